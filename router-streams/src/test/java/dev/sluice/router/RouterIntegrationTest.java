package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.model.EventType;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import dev.sluice.testsupport.TopicProbe;
import dev.sluice.testsupport.UniqueTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** ingest-api → router → typed topics on the real (embedded) broker, read with read_committed. */
class RouterIntegrationTest {

    static final String[] TYPES = {"track", "identify", "page", "screen", "group", "alias"};

    static Map<String, String> env(Topics topics, Path stateDir, String dedup) {
        return Map.ofEntries(Map.entry("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers()),
                Map.entry("SLUICE_TOPIC_PREFIX", topics.prefix()),
                Map.entry("SLUICE_ADMIN_PORT", "0"),
                Map.entry("SLUICE_ROUTER_APPLICATION_ID", topics.prefix() + "router"),
                Map.entry("SLUICE_ROUTER_STATE_DIR", stateDir.toString()),
                Map.entry("SLUICE_ROUTER_SESSION_TIMEOUT", "PT6S"),
                Map.entry("SLUICE_DEDUP_WINDOW", dedup),
                Map.entry("SLUICE_TOPIC_PARTITIONS", "3"),
                Map.entry("SLUICE_WRITE_KEYS", "wk-a=project-a,wk-b=project-b"),
                Map.entry("SLUICE_INGEST_PORT", "0"));
    }

    static Topics newTopics() {
        return UniqueTopics.next("r");
    }

    static String event(String type, String messageId) {
        return "{\"type\":\"" + type + "\",\"userId\":\"u-" + messageId + "\",\"messageId\":\"" + messageId + "\","
                + "\"event\":\"E\",\"groupId\":\"g\",\"previousId\":\"p\",\"timestamp\":\"2026-01-01T00:00:00Z\"}";
    }

    /** {@code batches} bodies of {@code perBatch} events, types in rotation; ids b<batch>-<i>. */
    static List<String> batches(int batches, int perBatch, Map<String, String> typeById) {
        List<String> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < perBatch; i++) {
                String id = "b" + b + "-" + i;
                String type = TYPES[(b * perBatch + i) % TYPES.length];
                typeById.put(id, type);
                events.add(event(type, id));
            }
            out.add("{\"batch\":[" + String.join(",", events) + "],\"sentAt\":\"2026-01-01T00:00:01Z\"}");
        }
        return out;
    }

    /** messageId → the typed topics it was found in (one entry per copy). */
    static Map<String, List<String>> routed(Topics topics, int expectedTotal) {
        Map<String, List<String>> where = new HashMap<>();
        for (EventType type : EventType.values()) {
            List<ConsumerRecord<String, byte[]>> records = TopicProbe.read(SharedKafka.bootstrapServers(),
                    topics.events(type), expectedTotal / TYPES.length, Duration.ofSeconds(60),
                    Duration.ofSeconds(1));
            for (ConsumerRecord<String, byte[]> r : records) {
                JsonNode e = SegmentJson.parse(r.value());
                where.computeIfAbsent(e.get("messageId").asText(), k -> new ArrayList<>()).add(type.wireName());
            }
        }
        return where;
    }

    @Test
    void everyEventOnceInItsTypedTopicEvenWhenTheSdkResends() throws Exception {
        Topics topics = newTopics();
        Path state = Files.createTempDirectory("router-it-");
        Map<String, String> env = env(topics, state, "PT24H");
        Map<String, String> typeById = new HashMap<>();
        List<String> bodies = batches(30, 100, typeById);
        try (IngestApi ingest = IngestApi.start(IngestConfig.fromEnv(env));
             RouterApp router = RouterApp.start(RouterConfig.fromEnv(env))) {
            HttpClient http = HttpClient.newHttpClient();
            for (String body : bodies) {
                assertThat(post(http, ingest.port(), body)).isEqualTo(200);
            }
            // an SDK that timed out resends whole batches with the same messageIds
            for (String body : bodies.subList(0, 10)) {
                assertThat(post(http, ingest.port(), body)).isEqualTo(200);
            }

            Map<String, List<String>> where = routed(topics, typeById.size());
            assertThat(where).hasSize(typeById.size());
            where.forEach((id, found) -> assertThat(found).as(id).containsExactly(typeById.get(id)));

            String metrics = get(http, router.adminPort(), "/metrics");
            assertThat(metrics).contains("sluice_router_events_total", "outcome=\"duplicate\"",
                    "kafka_stream_thread", "sluice_router_latency_seconds_bucket");
            // one latency per routed event, taken when its transaction committed; resent duplicates are not routed
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (value(metrics, "sluice_router_latency_seconds_count") < typeById.size()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
                metrics = get(http, router.adminPort(), "/metrics");
            }
            assertThat(value(metrics, "sluice_router_latency_seconds_count")).isEqualTo(typeById.size());
            assertThat(get(http, router.adminPort(), "/readyz")).contains("READY");
        } finally {
            TempDirs.deleteRecursively(state);
        }
    }

    @Test
    void reprocessingFromATimestampRoutesNothingTwice() throws Exception {
        Topics topics = newTopics();
        Path state = Files.createTempDirectory("router-rp-");
        Map<String, String> env = env(topics, state, "PT24H");
        Map<String, String> typeById = new HashMap<>();
        List<String> bodies = batches(5, 60, typeById);
        Instant before = Instant.now().minusSeconds(1);
        try (IngestApi ingest = IngestApi.start(IngestConfig.fromEnv(env))) {
            HttpClient http = HttpClient.newHttpClient();
            try (RouterApp router = RouterApp.start(RouterConfig.fromEnv(env))) {
                bodies.forEach(b -> assertThat(post(http, ingest.port(), b)).isEqualTo(200));
                assertThat(routed(topics, typeById.size())).hasSize(typeById.size());
            }
            var offsets = Reprocessor.rewind(RouterConfig.fromEnv(env), before);
            assertThat(offsets.values()).allSatisfy(o -> assertThat(o).isZero());
            try (RouterApp again = RouterApp.start(RouterConfig.fromEnv(env))) {
                Map<String, List<String>> where = routed(topics, typeById.size());
                assertThat(where).hasSize(typeById.size());
                where.forEach((id, found) -> assertThat(found).as(id).hasSize(1));
                // the rewound records really were read again, and all were recognised as duplicates
                String metrics = awaitMetric(http, again.adminPort(), "outcome=\"duplicate\"");
                assertThat(sum(metrics, "sluice_router_events_total", "outcome=\"duplicate\""))
                        .isEqualTo(typeById.size());
            }
        } finally {
            TempDirs.deleteRecursively(state);
        }
    }

    @Test
    void dedupHoldsWhenLocalStateIsLostBecauseTheStoreIsRestoredFromItsChangelog() throws Exception {
        Topics topics = newTopics();
        Path state = Files.createTempDirectory("router-lost-");
        Map<String, String> env = env(topics, state, "PT24H");
        Map<String, String> typeById = new HashMap<>();
        List<String> bodies = batches(5, 60, typeById);
        Instant before = Instant.now().minusSeconds(1);
        try (IngestApi ingest = IngestApi.start(IngestConfig.fromEnv(env))) {
            HttpClient http = HttpClient.newHttpClient();
            try (RouterApp router = RouterApp.start(RouterConfig.fromEnv(env))) {
                bodies.forEach(b -> assertThat(post(http, ingest.port(), b)).isEqualTo(200));
                assertThat(routed(topics, typeById.size())).hasSize(typeById.size());
            }
            // a new machine, or a wiped disk: nothing of the dedup store is left locally
            TempDirs.deleteRecursively(state);
            assertThat(Files.exists(state)).isFalse();
            Reprocessor.rewind(RouterConfig.fromEnv(env), before);
            try (RouterApp again = RouterApp.start(RouterConfig.fromEnv(env))) {
                // and an SDK resends some batches on top of the rewound ones
                bodies.subList(0, 2).forEach(b -> assertThat(post(http, ingest.port(), b)).isEqualTo(200));
                Map<String, List<String>> where = routed(topics, typeById.size());
                where.forEach((id, found) -> assertThat(found).as(id).hasSize(1));
                assertThat(where).hasSize(typeById.size());
                // every rewound event and every resent one recognised by the store rebuilt from its changelog
                double expected = typeById.size() + 2 * 60;
                double duplicates = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (duplicates < expected && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    duplicates = sum(get(http, again.adminPort(), "/metrics"), "sluice_router_events_total",
                            "outcome=\"duplicate\"");
                }
                assertThat(duplicates).isEqualTo(expected);
            }
        } finally {
            TempDirs.deleteRecursively(state);
        }
    }

    static int post(HttpClient http, int port, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/batch"))
                    .header("Authorization", "Basic d2stYTo=").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static String awaitMetric(HttpClient http, int port, String needle) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String m = get(http, port, "/metrics");
        while (!m.contains(needle) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            m = get(http, port, "/metrics");
        }
        return m;
    }

    /** An unlabelled sample's value, 0 when absent. */
    static double value(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    static double sum(String metrics, String name, String label) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
