package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import dev.sluice.testsupport.UniqueTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One ingest-api on the shared broker with its own topic prefix, plus HTTP and Kafka helpers. */
final class IngestFixture implements AutoCloseable {

    static final String KEY_A = "wk-a";
    static final String KEY_B = "wk-b";

    final String bootstrap;
    final Topics topics;
    final IngestApi api;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    IngestFixture(Map<String, String> extraEnv) {
        this(SharedKafka.bootstrapServers(), extraEnv);
    }

    IngestFixture(String bootstrap, Map<String, String> extraEnv) {
        this.bootstrap = bootstrap;
        this.topics = UniqueTopics.next("t");
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "SLUICE_TOPIC_PREFIX", topics.prefix(),
                "SLUICE_INGEST_PORT", "0",
                "SLUICE_ADMIN_PORT", "0",
                "SLUICE_WRITE_KEYS", KEY_A + "=project-a," + KEY_B + "=project-b",
                "SLUICE_TOPIC_PARTITIONS", "1"));
        env.putAll(extraEnv);
        this.api = IngestApi.start(IngestConfig.fromEnv(env));
    }

    String url(String path) {
        return "http://localhost:" + api.port() + path;
    }

    static String basic(String writeKey) {
        return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return post(path, HttpRequest.BodyPublishers.ofString(body), headers);
    }

    HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .POST(body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET on the admin server ({@code /healthz}, {@code /readyz}, {@code /metrics}). */
    HttpResponse<String> admin(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.adminPort() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Raw envelopes in ingest.raw: reads until {@code count} arrived, then a moment more for extras. */
    List<ConsumerRecord<String, byte[]>> rawRecords(int count) {
        return TopicProbe.read(bootstrap, topics.ingestRaw(), count, Duration.ofSeconds(20), Duration.ofMillis(300));
    }

    List<ConsumerRecord<String, byte[]>> rejectedRecords(int count) {
        return TopicProbe.read(bootstrap, topics.rejected(), count, Duration.ofSeconds(20), Duration.ofMillis(300));
    }

    long rawCount() {
        return TopicProbe.count(bootstrap, topics.ingestRaw());
    }

    long rejectedCount() {
        return TopicProbe.count(bootstrap, topics.rejected());
    }

    /** Every event of every envelope read, in order. */
    List<ObjectNode> rawEvents(int envelopes) {
        List<ObjectNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : rawRecords(envelopes)) {
            SegmentJson.parse(r.value()).get("batch").forEach(e -> out.add((ObjectNode) e));
        }
        return out;
    }

    static JsonNode json(byte[] bytes) {
        return SegmentJson.parse(bytes);
    }

    static JsonNode json(String text) {
        return SegmentJson.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        api.close();
    }
}
