package dev.sluice.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.sink.firehose.FirehoseStandInAccess;
import dev.sluice.sink.forwarder.SegmentStandInAccess;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import dev.sluice.testsupport.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The laptop pipeline end to end: HTTP in, Kafka, router, both sinks, the Firehose and Segment stand-ins. */
class AllInOneSinksTest {

    @Test
    void anEventSentOverHttpReachesFirehoseAndSegment() throws Exception {
        Path data = Files.createTempDirectory("sluice-aio-fh-");
        try (FirehoseStandInAccess firehose = new FirehoseStandInAccess("dev-events");
             SegmentStandInAccess segment = new SegmentStandInAccess("segment-dev-key");
             AllInOne sluice = AllInOne.start(Map.ofEntries(Map.entry("SLUICE_DATA_DIR", data.toString()),
                     Map.entry("SLUICE_KAFKA_PORT", "0"), Map.entry("SLUICE_INGEST_PORT", "0"),
                     Map.entry("SLUICE_CONSOLE_PORT", "0"),
                     Map.entry("SLUICE_ROUTER_ADMIN_PORT", "0"), Map.entry("SLUICE_INGEST_ADMIN_PORT", "0"), Map.entry("SINK_FIREHOSE__SLUICE_ADMIN_PORT", "0"),
                     Map.entry("SLUICE_FIREHOSE_DEFAULT_STREAM", "dev-events"),
                     Map.entry("SLUICE_FIREHOSE_ENDPOINT", firehose.endpoint()),
                     Map.entry("SINK_FORWARDER__SLUICE_ADMIN_PORT", "0"),
                     Map.entry("SLUICE_FORWARD_URL", segment.url()),
                     Map.entry("SLUICE_FORWARD_WRITE_KEYS", "dev=segment-dev-key"),
                     // one sink's own setting, by its prefix
                     Map.entry("SINK_FORWARDER__SLUICE_SINK_GROUP_ID", "aio-segment"),
                     Map.entry("AWS_REGION", "us-east-1"), Map.entry("AWS_ACCESS_KEY_ID", "x"),
                     Map.entry("AWS_SECRET_ACCESS_KEY", "y")))) {
            String auth = "Basic " + Base64.getEncoder().encodeToString("dev-write-key:".getBytes());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + sluice.ingestPort() + "/v1/batch")).header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[{\"type\":\"track\",\"userId\":\"u\","
                            + "\"event\":\"Through\",\"messageId\":\"aio-1\"},{\"type\":\"identify\",\"userId\":\"u\","
                            + "\"messageId\":\"aio-2\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);

            await().atMost(60, TimeUnit.SECONDS).until(() -> firehose.lines().size() >= 2);
            assertThat(firehose.lines()).anySatisfy(l -> assertThat(l).contains("\"messageId\":\"aio-1\"",
                    "\"projectId\":\"dev\"", "\"event\":\"Through\""));
            assertThat(firehose.lines()).anySatisfy(l -> assertThat(l).contains("\"messageId\":\"aio-2\""));
            assertThat(sluice.sinkAdminPort("sink-firehose")).isPositive();
            await().atMost(60, TimeUnit.SECONDS).until(() -> segment.messageIds().size() >= 2);
            assertThat(segment.messageIds()).containsExactlyInAnyOrder("aio-1", "aio-2");
            await().atMost(30, TimeUnit.SECONDS).until(() -> TopicProbe.committed(sluice.bootstrapServers(),
                    "aio-segment", List.of("sluice.events.track", "sluice.events.identify")) == 2);
            assertThat(TopicProbe.committed(sluice.bootstrapServers(), "sluice-sink-forwarder",
                    List.of("sluice.events.track", "sluice.events.identify"))).isZero();
        } finally {
            TempDirs.deleteRecursively(data);
        }
    }
}
