package dev.sluice.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.SegmentJson;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import dev.sluice.testsupport.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AllInOneTest {

    /**
     * Also the plug point: the probe sink is on the tests' classpath only (as a new module's jar would be)
     * and configured here, the four real sinks are on the classpath but not configured.
     */
    @Test
    void startsItsOwnBrokerTakesEventsWithTheDevKeyRoutesThemAndRunsTheConfiguredSinksFound() throws Exception {
        Path data = Files.createTempDirectory("sluice-aio-");
        try (AllInOne sluice = AllInOne.start(Map.of("SLUICE_DATA_DIR", data.toString(), "SLUICE_KAFKA_PORT", "0",
                "SLUICE_INGEST_PORT", "0", "SLUICE_ROUTER_ADMIN_PORT", "0", "SLUICE_INGEST_ADMIN_PORT", "0",
                "SINK_PROBE__SLUICE_PROBE_SINK", "true", "SINK_PROBE__SLUICE_ADMIN_PORT", "0", "SLUICE_CONSOLE_PORT", "0"))) {
            assertThat(sluice.sinkPlugins()).extracting(SinkPlugin::name)
                    .containsExactly("sink-amplitude", "sink-firehose", "sink-forwarder", "sink-mailchimp", "sink-probe",
                            "sink-webhook");
            assertThat(sluice.sinkAdminPort("sink-probe")).isPositive();
            for (String off : List.of("sink-amplitude", "sink-firehose", "sink-forwarder", "sink-mailchimp",
                    "sink-webhook")) {
                assertThat(sluice.sinkAdminPort(off)).as(off).isEqualTo(-1);
            }
            String auth = "Basic " + Base64.getEncoder().encodeToString("dev-write-key:".getBytes());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + sluice.ingestPort() + "/v1/track"))
                    .header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u\",\"event\":\"Hello\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            var raw = TopicProbe.read(sluice.bootstrapServers(), "sluice.ingest.raw", 1, Duration.ofSeconds(20));
            assertThat(raw).hasSize(1);
            assertThat(raw.get(0).key()).isEqualTo("dev");
            assertThat(SegmentJson.parse(raw.get(0).value()).get("batch").get(0).get("event").asText())
                    .isEqualTo("Hello");
            assertThat(Files.exists(data.resolve("meta.properties"))).isTrue();

            var routed = TopicProbe.read(sluice.bootstrapServers(), "sluice.events.track", 1, Duration.ofSeconds(30));
            assertThat(routed).hasSize(1);
            var event = SegmentJson.parse(routed.get(0).value());
            assertThat(event.get("event").asText()).isEqualTo("Hello");
            assertThat(event.get("projectId").asText()).isEqualTo("dev");
            assertThat(event.get("messageId").asText()).isNotEmpty();
            assertThat(Files.isDirectory(data.resolve("router-state"))).isTrue();
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> ProbeSinkPlugin.DELIVERED.contains("sluice-sink-probe/track"));

            // the console serves it too, on loopback without a token
            HttpRequest console = HttpRequest.newBuilder(URI.create("http://localhost:" + sluice.consolePort()
                    + "/api/events?event=Hello")).build();
            await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient()
                    .send(console, HttpResponse.BodyHandlers.ofString()).body()
                    .contains("\"messageId\":\"" + event.get("messageId").asText() + "\""));
        } finally {
            TempDirs.deleteRecursively(data);
        }
    }
}
