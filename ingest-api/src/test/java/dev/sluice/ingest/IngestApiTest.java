package dev.sluice.ingest;

import static dev.sluice.ingest.IngestFixture.KEY_A;
import static dev.sluice.ingest.IngestFixture.KEY_B;
import static dev.sluice.ingest.IngestFixture.basic;
import static dev.sluice.ingest.IngestFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.SegmentJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IngestApiTest {

    private IngestFixture f;

    @BeforeEach
    void start() {
        f = new IngestFixture(Map.of());
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void jettysOwnRefusalsAreJsonErrorsToo() throws Exception {
        HttpResponse<String> longUri = f.get("/v1/" + "a".repeat(20_000));
        assertThat(longUri.statusCode()).isEqualTo(414);
        assertThat(json(longUri.body()).get("code").asText()).isEqualTo("http_414");
        assertThat(longUri.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));

        HttpResponse<String> bigHeaders = null;
        // Jetty answers 431 and closes while the client may still be sending the rest of the headers; the
        // reset that follows can reach the client before the answer does (TCP, not Sluice): then it is asked again
        for (int attempt = 1; bigHeaders == null; attempt++) {
            try {
                bigHeaders = f.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}",
                        "Authorization", basic(KEY_A), "X-Pad", "p".repeat(70_000));
            } catch (java.io.IOException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
        assertThat(bigHeaders.statusCode()).isEqualTo(431);
        assertThat(json(bigHeaders.body()).get("success").asBoolean()).isFalse();
    }

    @Test
    void envelopeFieldsOfTheWrongKindAreIgnoredNotMisread() throws Exception {
        HttpResponse<String> r = f.post("/v1/batch", "{\"sentAt\":{\"a\":[1]},\"writeKey\":[\"x\"],"
                + "\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}]}", "Authorization", basic(KEY_A));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(f.rawRecords(1).get(0).value()).has("sentAt")).isFalse();
    }

    @Test
    void trackIsInKafkaBeforeTheSuccessResponse() throws Exception {
        HttpResponse<String> r = f.post("/v1/track",
                "{\"userId\":\"u1\",\"event\":\"Order Completed\",\"messageId\":\"m-1\",\"properties\":{\"revenue\":9.99},"
                        + "\"_metadata\":{\"nodeVersion\":\"20\"},\"sentAt\":\"2026-01-01T00:00:00.000Z\"}",
                "Authorization", basic(KEY_A), "Content-Type", "application/json", "User-Agent", "test-agent/1");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"success\":true}");
        List<ConsumerRecord<String, byte[]>> raw = f.rawRecords(1);
        assertThat(raw).hasSize(1);
        assertThat(raw.get(0).key()).isEqualTo("project-a");
        JsonNode envelope = json(raw.get(0).value());
        assertThat(envelope.get("projectId").asText()).isEqualTo("project-a");
        assertThat(envelope.get("receivedAt").asText()).endsWith("Z");
        assertThat(envelope.get("userAgent").asText()).isEqualTo("test-agent/1");
        assertThat(envelope.get("ip").asText()).isNotEmpty();
        JsonNode event = envelope.get("batch").get(0);
        assertThat(event.get("type").asText()).isEqualTo("track");
        assertThat(event.get("event").asText()).isEqualTo("Order Completed");
        assertThat(event.get("properties").get("revenue").decimalValue()).isEqualByComparingTo("9.99");
        assertThat(event.get("_metadata").get("nodeVersion").asText()).isEqualTo("20");
        assertThat(SegmentJson.toString(envelope)).doesNotContain(KEY_A);
    }

    @ParameterizedTest
    @CsvSource({
        "/v1/track,track", "/v1/identify,identify", "/v1/page,page", "/v1/screen,screen", "/v1/group,group",
        "/v1/alias,alias", "/v1/t,track", "/v1/i,identify", "/v1/p,page", "/v1/s,screen", "/v1/g,group",
        "/v1/a,alias"})
    void everySingleEventRouteStoresItsType(String path, String type) throws Exception {
        String body = "{\"userId\":\"u1\",\"anonymousId\":\"a1\",\"event\":\"E\",\"groupId\":\"g1\",\"previousId\":\"p1\","
                + "\"writeKey\":\"" + KEY_B + "\"}";
        HttpResponse<String> r = f.post(path, body, "Content-Type", "text/plain");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<ObjectNode> events = f.rawEvents(1);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("type").asText()).isEqualTo(type);
        assertThat(events.get(0).has("writeKey")).isFalse();
        assertThat(f.rawRecords(1).get(0).key()).isEqualTo("project-b");
    }

    @ParameterizedTest
    @CsvSource({"/v1/batch", "/v1/import", "/v1/import/", "/v1/b"})
    void everyBatchRouteStoresTheWholeBatchInOneRecord(String path) throws Exception {
        String body = "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"A\"},"
                + "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"}}],"
                + "\"context\":{\"library\":{\"name\":\"analytics-java\"}},\"sentAt\":\"2026-01-01T00:00:01.000Z\","
                + "\"sequence\":3,\"writeKey\":\"" + KEY_A + "\"}";
        HttpResponse<String> r = f.post(path, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<ConsumerRecord<String, byte[]>> raw = f.rawRecords(1);
        assertThat(raw).hasSize(1);
        JsonNode envelope = json(raw.get(0).value());
        assertThat(envelope.get("batch")).hasSize(2);
        assertThat(envelope.get("sentAt").asText()).isEqualTo("2026-01-01T00:00:01.000Z");
        assertThat(envelope.get("context").get("library").get("name").asText()).isEqualTo("analytics-java");
        assertThat(envelope.has("writeKey")).isFalse();
    }

    @Test
    void batchEventsAreStoredAsSentButNeverWithAWriteKey() throws Exception {
        // no envelope key: the first event's authenticates; pretty-printed, non-ASCII, nested content
        String body = "{ \"batch\" : [\n"
                + "  { \"writeKey\": \"" + KEY_B + "\", \"type\": \"track\", \"userId\": \"ü-1\", \"event\": \"Käse €\",\n"
                + "    \"properties\": { \"nested\": { \"deep\": [1, {\"x\": null}] } } },\n"
                + "  {\"type\":\"identify\",\"anonymousId\":\"a\",\"traits\":{\"n\":1.50}},\n"
                + "  {\"type\":\"track\",\"userId\":\"u\",\"writeKey\":\"" + KEY_B + "\"}\n"
                + "] }";
        HttpResponse<String> r = f.post("/v1/batch", body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<ConsumerRecord<String, byte[]>> raw = f.rawRecords(1);
        assertThat(raw).extracting(ConsumerRecord::key).containsExactly("project-b");
        String stored = new String(raw.get(0).value(), StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain(KEY_B).contains("\"traits\":{\"n\":1.50}");
        List<ObjectNode> events = f.rawEvents(1);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("event").asText()).isEqualTo("Käse €");
        assertThat(events.get(0).get("userId").asText()).isEqualTo("ü-1");
        assertThat(events.get(0).at("/properties/nested/deep/1").has("x")).isTrue();
        List<ConsumerRecord<String, byte[]>> rejected = f.rejectedRecords(1);
        assertThat(rejected).hasSize(1);
        assertThat(new String(rejected.get(0).value(), StandardCharsets.UTF_8)).doesNotContain(KEY_B);
        assertThat(FailureHeaders.text(rejected.get(0).headers(), FailureHeaders.CODE)).isEqualTo("event_not_defined");
    }

    @Test
    void basicAuthHeaderWinsOverTheBodyWriteKey() throws Exception {
        HttpResponse<String> r = f.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\",\"writeKey\":\"" + KEY_B + "\"}",
                "Authorization", basic(KEY_A));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(f.rawRecords(1)).extracting(ConsumerRecord::key).containsExactly("project-a");
    }

    @Test
    void basicAuthWithoutTheColonIsAccepted() throws Exception {
        String header = "Basic " + Base64.getEncoder().encodeToString(KEY_B.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = f.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}", "Authorization", header);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(f.rawRecords(1)).extracting(ConsumerRecord::key).containsExactly("project-b");
    }

    @Test
    void unknownOrMissingWriteKeyIs401AndNothingIsStored() throws Exception {
        HttpResponse<String> unknown = f.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}",
                "Authorization", basic("nope"));
        HttpResponse<String> missing = f.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}");

        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json(unknown.body()).get("code").asText()).isEqualTo("invalid_write_key");
        assertThat(json(unknown.body()).get("success").asBoolean()).isFalse();
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing.body()).get("code").asText()).isEqualTo("missing_write_key");
        assertThat(f.rawCount()).isZero();
        assertThat(f.rejectedCount()).isZero();
    }

    @Test
    void gzipBodiesAreInflated() throws Exception {
        byte[] gz = gzip("{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"Zipped\"}]}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = f.post("/v1/import", HttpRequest.BodyPublishers.ofByteArray(gz),
                "Authorization", basic(KEY_A), "Content-Encoding", "gzip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(f.rawEvents(1)).extracting(e -> e.get("event").asText()).containsExactly("Zipped");
    }

    @Test
    void corruptGzipIs400() throws Exception {
        byte[] gz = gzip("{\"batch\":[]}".getBytes(StandardCharsets.UTF_8));
        byte[] corrupt = Arrays.copyOf(gz, gz.length - 6);
        corrupt[12] ^= 0x5a;
        HttpResponse<String> r = f.post("/v1/batch", HttpRequest.BodyPublishers.ofByteArray(corrupt),
                "Authorization", basic(KEY_A), "Content-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).get("code").asText()).isEqualTo("malformed_gzip");
        assertThat(f.rawCount()).isZero();
    }

    @Test
    void gzipBombIsStoppedAtTheLimit() throws Exception {
        byte[] bomb = gzip(new byte[50 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(100 * 1024);
        HttpResponse<String> r = f.post("/v1/batch", HttpRequest.BodyPublishers.ofByteArray(bomb),
                "Authorization", basic(KEY_A), "Content-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).get("code").asText()).isEqualTo("payload_too_large");
    }

    @Test
    void chunkedBodiesAreRead() throws Exception {
        byte[] body = "{\"userId\":\"u\",\"event\":\"Chunked\"}".getBytes(StandardCharsets.UTF_8);
        // an InputStream publisher has no known length, so the client sends Transfer-Encoding: chunked
        HttpResponse<String> r = f.post("/v1/track",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)),
                "Authorization", basic(KEY_A));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(f.rawEvents(1)).extracting(e -> e.get("event").asText()).containsExactly("Chunked");
    }

    @Test
    void invalidJsonIs400() throws Exception {
        for (String body : List.of("{\"userId\":", "not json", "[1,2]", "", "{\"a\":1} trailing")) {
            HttpResponse<String> r = f.post("/v1/track", body, "Authorization", basic(KEY_A));
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r.body()).get("code").asText()).isEqualTo("invalid_json");
        }
        assertThat(f.rawCount()).isZero();
    }

    @Test
    void eventLimitAtTheBoundaryAndOneByteOver() throws Exception {
        String atLimit = sizedEvent("{\"userId\":\"u\",\"event\":\"Big\",\"properties\":{\"pad\":\"", "\"}}", 32 * 1024);
        String over = sizedEvent("{\"userId\":\"u\",\"event\":\"Big\",\"properties\":{\"pad\":\"", "\"}}", 32 * 1024 + 1);

        assertThat(f.post("/v1/track", atLimit, "Authorization", basic(KEY_A)).statusCode()).isEqualTo(200);
        HttpResponse<String> r = f.post("/v1/track", over, "Authorization", basic(KEY_A));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).get("code").asText()).isEqualTo("payload_too_large");
        assertThat(f.rawRecords(1)).hasSize(1);
    }

    @Test
    void eventLimitInsideABatch() throws Exception {
        String big = sizedEvent("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"Big\",\"properties\":{\"pad\":\"", "\"}}",
                32 * 1024);
        String bigOver = sizedEvent("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"Big\",\"properties\":{\"pad\":\"",
                "\"}}", 32 * 1024 + 1);
        assertThat(f.post("/v1/batch", "{\"batch\":[" + big + "," + big + "]}", "Authorization", basic(KEY_A))
                .statusCode()).isEqualTo(200);
        assertThat(f.post("/v1/batch", "{\"batch\":[" + big + "," + bigOver + "]}", "Authorization", basic(KEY_A))
                .statusCode()).isEqualTo(400);
        assertThat(f.rawEvents(1)).hasSize(2);
    }

    @Test
    void requestLimitAtTheBoundaryAndOneByteOver() throws Exception {
        String prefix = "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}],\"pad\":\"";
        String atLimit = sizedEvent(prefix, "\"}", 500 * 1024);
        String over = sizedEvent(prefix, "\"}", 500 * 1024 + 1);

        assertThat(f.post("/v1/batch", atLimit, "Authorization", basic(KEY_A)).statusCode()).isEqualTo(200);
        HttpResponse<String> r = f.post("/v1/batch", over, "Authorization", basic(KEY_A));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).get("code").asText()).isEqualTo("payload_too_large");
        assertThat(f.rawRecords(1)).hasSize(1);
    }

    @Test
    void batchCountLimitAtTheBoundaryAndOneOver() throws Exception {
        assertThat(f.post("/v1/batch", batchOf(2500), "Authorization", basic(KEY_A)).statusCode()).isEqualTo(200);
        HttpResponse<String> r = f.post("/v1/batch", batchOf(2501), "Authorization", basic(KEY_A));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).get("code").asText()).isEqualTo("batch_too_large");
        assertThat(f.rawEvents(1)).hasSize(2500);
    }

    @Test
    void emptyBatchIs400() throws Exception {
        HttpResponse<String> r = f.post("/v1/batch", "{\"batch\":[]}", "Authorization", basic(KEY_A));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).get("code").asText()).isEqualTo("empty_batch");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/v1/track|{\"event\":\"E\"}|no_user_anon_id",
        "/v1/track|{\"userId\":\"u\"}|event_not_defined",
        "/v1/track|{\"userId\":\"u\",\"event\":5}|event_not_string",
        "/v1/track|{\"userId\":\"u\",\"event\":\"E\",\"properties\":[1]}|properties_not_object",
        "/v1/identify|{\"userId\":\"u\",\"traits\":\"x\"}|traits_not_object",
        "/v1/page|{\"userId\":\"u\",\"name\":\"\"}|name_not_string",
        "/v1/screen|{\"userId\":\"u\",\"category\":7}|category_not_string",
        "/v1/group|{\"userId\":\"u\"}|group_id_required",
        "/v1/alias|{\"userId\":\"u\"}|previous_id_required",
        "/v1/track|{\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"yesterday\"}|invalid_timestamp",
        "/v1/track|{\"userId\":\"u\",\"event\":\"E\",\"context\":3}|context_not_object"})
    void eachValidationRuleAnswers400AndKeepsTheEventInRejected(String path, String body, String code)
            throws Exception {
        HttpResponse<String> r = f.post(path, body, "Authorization", basic(KEY_A));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).get("code").asText()).isEqualTo(code);
        List<ConsumerRecord<String, byte[]>> rejected = f.rejectedRecords(1);
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).key()).isEqualTo("project-a");
        assertThat(FailureHeaders.text(rejected.get(0).headers(), FailureHeaders.CODE)).isEqualTo(code);
        assertThat(FailureHeaders.text(rejected.get(0).headers(), FailureHeaders.STAGE)).isEqualTo("ingest-api");
        assertThat(FailureHeaders.text(rejected.get(0).headers(), FailureHeaders.REASON)).isNotBlank();
        assertThat(f.rawCount()).isZero();
    }

    @Test
    void mixedBatchKeepsValidEventsAndRejectsInvalidOnesWithReasons() throws Exception {
        String body = "{\"batch\":["
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"Good1\"},"
                + "{\"type\":\"track\",\"userId\":\"u\"},"
                + "{\"type\":\"identify\",\"anonymousId\":\"a\"},"
                + "{\"type\":\"teleport\",\"userId\":\"u\"},"
                + "{\"type\":\"page\"},"
                + "42]}";
        HttpResponse<String> r = f.post("/v1/batch", body, "Authorization", basic(KEY_A));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"success\":true}");
        assertThat(f.rawEvents(1)).extracting(e -> e.get("type").asText()).containsExactly("track", "identify");
        List<ConsumerRecord<String, byte[]>> rejected = f.rejectedRecords(4);
        assertThat(rejected).extracting(rec -> FailureHeaders.text(rec.headers(), FailureHeaders.CODE))
                .containsExactly("event_not_defined", "invalid_type", "no_user_anon_id", "invalid_type");
        assertThat(json(rejected.get(3).value()).get("value").asInt()).isEqualTo(42);
    }

    @Test
    void pixelApiStoresTheEventAndAnswersAGif() throws Exception {
        String data = Base64.getEncoder().encodeToString(("{\"writeKey\":\"" + KEY_A
                + "\",\"userId\":\"u\",\"event\":\"Email Opened\"}").getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> r = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/v1/pixel/track?data=" + data)))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("image/gif"));
        assertThat(new String(r.body(), 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        assertThat(f.rawEvents(1)).extracting(e -> e.get("event").asText()).containsExactly("Email Opened");
    }

    @Test
    void corsPreflightAndResponseHeaders() throws Exception {
        HttpResponse<String> pre = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/v1/b")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, x-retry-count").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("authorization");

        HttpResponse<String> post = f.post("/v1/t", "{\"userId\":\"u\",\"event\":\"E\",\"writeKey\":\"" + KEY_A + "\"}",
                "Origin", "https://shop.example", "Content-Type", "text/plain");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
        assertThat(f.rawEvents(1)).hasSize(1);
    }

    @Test
    void healthReadinessAndMetrics() throws Exception {
        f.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}", "Authorization", basic(KEY_A));
        f.post("/v1/track", "{\"userId\":\"u\"}", "Authorization", basic(KEY_A));

        assertThat(f.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(f.admin("/readyz").statusCode()).isEqualTo(200);
        String metrics = f.admin("/metrics").body();
        assertThat(metrics).contains(
                "sluice_ingest_events_total{outcome=\"accepted\",project=\"project-a\",type=\"track\"} 1.0",
                "sluice_ingest_events_total{outcome=\"rejected\",project=\"project-a\",type=\"track\"} 1.0",
                "sluice_ingest_request_duration_seconds_bucket",
                "kafka_producer_record_send_total");
    }

    @Test
    void unknownPathIsAJson404() throws Exception {
        HttpResponse<String> r = f.post("/v1/nope", "{}", "Authorization", basic(KEY_A));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r.body()).get("success").asBoolean()).isFalse();
    }

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** prefix + padding + suffix, exactly {@code size} UTF-8 bytes. */
    static String sizedEvent(String prefix, String suffix, int size) {
        int pad = size - prefix.length() - suffix.length();
        String s = prefix + "x".repeat(pad) + suffix;
        assertThat(s.getBytes(StandardCharsets.UTF_8)).hasSize(size);
        return s;
    }

    static String batchOf(int n) {
        StringBuilder b = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E").append(i).append("\"}");
        }
        return b.append("]}").toString();
    }
}
