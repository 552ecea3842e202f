package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.model.EventType;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import dev.sluice.testsupport.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hostile inputs that once got a 200 and then lost events, or a 500: each now keeps the promise. */
class HostileInputRegressionTest {

    private static Topics topics;
    private static Path state;
    private static IngestApi ingest;
    private static RouterApp router;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        topics = RouterIntegrationTest.newTopics();
        state = Files.createTempDirectory("router-hostile-");
        var env = RouterIntegrationTest.env(topics, state, "PT24H");
        ingest = IngestApi.start(IngestConfig.fromEnv(env));
        router = RouterApp.start(RouterConfig.fromEnv(env));
    }

    @AfterAll
    static void stop() {
        router.close();
        ingest.close();
        TempDirs.deleteRecursively(state);
    }

    @Test
    void aDeeplyNestedEventIsRefusedWithItsRequestInsteadOfTakingItsNeighbourDown() throws Exception {
        String deep = "[".repeat(249) + "{}" + "]".repeat(249);
        HttpResponse<String> r = post("/v1/batch", "{\"batch\":[" + track("deep-ok") + ","
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"d\":" + deep + "}}]}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(SegmentJson.parse(r.body().getBytes(StandardCharsets.UTF_8)).get("code").asText())
                .isEqualTo("invalid_json");
        assertThat(r.body()).contains("nesting depth");
        // and a batch at the depth limit is taken and routed whole
        String atLimit = "{\"d\":" + HostileRequests.nest(HostileRequests.MAX_PROPERTIES_LEVELS - 1) + "}";
        assertThat(post("/v1/batch", "{\"batch\":[" + track("deep-ok-2") + ",{\"type\":\"track\",\"userId\":\"u\","
                + "\"event\":\"E\",\"messageId\":\"deep-at-limit\",\"properties\":" + atLimit + "}]}").statusCode())
                .isEqualTo(200);
        assertThat(routedIds(EventType.TRACK, "deep-", 2)).as("rejected: %s", rejectedContaining("deep-", 1).stream()
                .map(c -> FailureHeaders.text(c.headers(), FailureHeaders.REASON)).toList())
                .contains("deep-ok-2", "deep-at-limit").doesNotContain("deep-ok");
    }

    @Test
    void extremeTimestampsRejectOnlyTheirEventAndTheRestOfTheBatchIsRouted() throws Exception {
        HttpResponse<String> r = post("/v1/batch", "{\"batch\":[" + track("ts-1") + ","
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"ts-2\","
                + "\"originalTimestamp\":\"-999999999-01-01T00:00:00Z\",\"sentAt\":\"+999999999-12-31T23:59:59Z\"},"
                + track("ts-3") + "]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(routedIds(EventType.TRACK, "ts-", 2)).containsExactlyInAnyOrder("ts-1", "ts-3");
        List<ConsumerRecord<String, byte[]>> rejected = rejectedContaining("\"ts-2\"", 1);
        assertThat(rejected).hasSize(1);
        assertThat(FailureHeaders.text(rejected.get(0).headers(), FailureHeaders.CODE)).isEqualTo("invalid_timestamp");
        assertThat(new String(rejected.get(0).value(), StandardCharsets.UTF_8)).doesNotContain("ts-1", "ts-3");
    }

    @Test
    void aHugeEnvelopeContextIsNotMultipliedIntoEveryEvent() throws Exception {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            events.append(i == 0 ? "" : ",").append(track("ctx-" + i));
        }
        String body = "{\"context\":{\"blob\":\"" + "c".repeat(300 * 1024) + "\"},\"batch\":[" + events + "]}";

        HttpResponse<String> r = post("/v1/batch", body);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("payload_too_large");
        List<ConsumerRecord<String, byte[]>> rejected = rejectedContaining("\"ctx-", 1000);
        assertThat(rejected).hasSize(1000);
        long written = rejected.stream().mapToLong(c -> c.value().length).sum();
        assertThat(written).as("bytes kept for a %d-byte request", body.length()).isLessThan(body.length());
        assertThat(routedIds(EventType.TRACK, "ctx-", 0)).isEmpty();
        // a mid-sized context over many events would write far more than the request: refused whole
        String mid = "{\"context\":{\"blob\":\"" + "c".repeat(20 * 1024) + "\"},\"batch\":[" + events + "]}";
        HttpResponse<String> multiplied = post("/v1/batch", mid);
        assertThat(multiplied.statusCode()).isEqualTo(400);
        assertThat(multiplied.body()).contains("envelope_too_large");
    }

    @Test
    void malformedNumbersAreAFourHundredOrTheirEventsRejectionNeverAFiveHundred() throws Exception {
        for (String n : List.of("1e9999999999", "0e-9999999999", "1e400", "-1e309", "1e-400")) {
            HttpResponse<String> single = post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"n\":" + n + "}");
            assertThat(single.statusCode()).as(n).isEqualTo(400);
            assertThat(single.body()).as(n).contains("number_out_of_range");
        }
        HttpResponse<String> tooLong = post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"n\":" + "9".repeat(101) + "}");
        assertThat(tooLong.statusCode()).isEqualTo(400);

        HttpResponse<String> batch = post("/v1/batch", "{\"batch\":[" + track("num-1") + ","
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"num-2\",\"n\":1e9999999999},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"num-3\",\"p\":{\"x\":[1e400]}},"
                + track("num-4") + "]}");
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(routedIds(EventType.TRACK, "num-", 2)).containsExactlyInAnyOrder("num-1", "num-4");
        List<ConsumerRecord<String, byte[]>> rejected = rejectedContaining("\"num-", 2);
        assertThat(rejected).extracting(c -> FailureHeaders.text(c.headers(), FailureHeaders.CODE))
                .containsExactly("number_out_of_range", "number_out_of_range");
    }

    @Test
    void invalidUtf8AndDuplicateKeysAreRefusedBeforeAnythingIsStored() throws Exception {
        byte[] body = ("{\"batch\":[" + track("utf-1") + ",{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\","
                + "\"p\":\"X\"}]}").getBytes(StandardCharsets.UTF_8);
        int x = new String(body, StandardCharsets.ISO_8859_1).indexOf('X');
        body[x] = (byte) 0xC0; // an overlong form Jackson would skip over unchecked
        HttpResponse<String> r = HTTP.send(request("/v1/batch").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_utf8");

        HttpResponse<String> dup = post("/v1/batch", "{\"batch\":[" + track("dup-1") + ",{\"type\":\"track\","
                + "\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"a\":1,\"a\":2}}]}");
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(dup.body()).contains("Duplicate field");
        assertThat(routedIds(EventType.TRACK, "utf-", 0)).isEmpty();
        assertThat(routedIds(EventType.TRACK, "dup-", 0)).isEmpty();
    }

    private static String track(String messageId) {
        return "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + messageId + "\"}";
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + ingest.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Basic d2stYTo=");
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** messageIds with this prefix in a typed topic, read until {@code expected} are there (or 20 s passed). */
    private static List<String> routedIds(EventType type, String prefix, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> ids = new ArrayList<>();
        do {
            ids.clear();
            for (ConsumerRecord<String, byte[]> r : TopicProbe.read(SharedKafka.bootstrapServers(),
                    topics.events(type), Integer.MAX_VALUE, Duration.ofSeconds(1))) {
                JsonNode e = SegmentJson.parse(r.value());
                if (e.get("messageId").asText().startsWith(prefix)) {
                    ids.add(e.get("messageId").asText());
                }
            }
        } while (ids.size() < expected && System.nanoTime() < deadline);
        return ids;
    }

    private static List<ConsumerRecord<String, byte[]>> rejectedContaining(String needle, int expected) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            out.clear();
            for (ConsumerRecord<String, byte[]> r : TopicProbe.read(SharedKafka.bootstrapServers(), topics.rejected(),
                    Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                if (new String(r.value(), StandardCharsets.UTF_8).contains(needle)) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
