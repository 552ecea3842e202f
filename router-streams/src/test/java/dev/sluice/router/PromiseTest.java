package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * "A 200 is a promise", checked on what is really in Kafka: generated hostile requests go through
 * ingest-api and the router on the broker, then every event is looked for in every topic. No input
 * gets a 5xx; after a 200 each valid event is in its typed topic exactly once and each invalid one in
 * {@code events.rejected} alone with its own reason; a refused request stores nothing; what a request
 * makes Sluice write stays within a small multiple of its size.
 *
 * <p>{@code -Dsluice.promise.requests=100000 -Dsluice.promise.seed=random} runs a long search (README).
 */
class PromiseTest {

    private static final int MAX_REQUEST_BYTES = 500 * 1024;
    private static final String WRITE_KEY = "promise-key";
    /** Bytes Sluice adds to an event (projectId, messageId, four timestamps, context.ip) with room to spare. */
    private static final int ENRICHMENT_BYTES = 450;
    private static final Pattern PROBE = Pattern.compile("\"probe\":\"(p\\d+)\"");

    @Test
    void whateverIngestAcceptsTheRouterRoutesEventByEvent() throws Exception {
        int requests = Integer.getInteger("sluice.promise.requests", 300);
        String seedProperty = System.getProperty("sluice.promise.seed", "20261129");
        long seed = seedProperty.equals("random") ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seedProperty);
        Topics topics = RouterIntegrationTest.newTopics();
        Path state = Files.createTempDirectory("router-promise-");
        Map<String, String> env = new HashMap<>(RouterIntegrationTest.env(topics, state, "PT24H"));
        env.put("SLUICE_WRITE_KEYS", WRITE_KEY + "=promise");

        HostileRequests generator = new HostileRequests(seed, WRITE_KEY);
        List<String> failures = new ArrayList<>();
        Map<String, HostileRequests.Expected> stored = new HashMap<>(); // probe → what must be in Kafka
        Map<String, Integer> requestOf = new HashMap<>();
        Map<Integer, Integer> bodySize = new HashMap<>();
        Map<Integer, Integer> eventCount = new HashMap<>();
        int accepted = 0;
        int refused = 0;
        int events = 0;
        try (IngestApi ingest = IngestApi.start(IngestConfig.fromEnv(env));
             RouterApp router = RouterApp.start(RouterConfig.fromEnv(env))) {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < requests; i++) {
                HostileRequests.Request request = generator.next(i);
                events += request.events().size();
                HttpResponse<String> response = post(http, ingest.port(), request);
                Set<String> expectedCodes = new HashSet<>(request.requestCodes());
                if (request.body().length > MAX_REQUEST_BYTES) {
                    expectedCodes.add("payload_too_large");
                }
                boolean refusedWhole = !expectedCodes.isEmpty();
                List<HostileRequests.Expected> valid = request.events().stream().filter(e -> e.valid()).toList();
                int expectedStatus = !refusedWhole && !valid.isEmpty() ? 200 : 400;
                if (!refusedWhole && valid.isEmpty()) {
                    expectedCodes.add(request.events().get(0).rejectCode()); // all invalid: each kept, the first reason told
                }
                check(failures, request, response, expectedStatus, expectedCodes);
                if (response.statusCode() == 200) {
                    accepted++;
                } else {
                    refused++;
                }
                if (!refusedWhole) {
                    for (HostileRequests.Expected e : request.events()) {
                        stored.put(e.probe(), e);
                    }
                }
                for (HostileRequests.Expected e : request.events()) {
                    requestOf.put(e.probe(), i);
                }
                bodySize.put(i, request.body().length);
                eventCount.put(i, request.events().size());
            }
            Map<String, List<Found>> found = readEverything(topics, stored);
            checkWhereEventsAre(failures, stored, requestOf, found);
            checkWhatEachRequestWrote(failures, requestOf, bodySize, eventCount, found);
            System.out.printf("PromiseTest: seed %d, %d requests tried (%d events): %d answered 200, %d refused; "
                    + "%d events looked for in Kafka, %d failures%n", seed, requests, events, accepted, refused,
                    stored.size(), failures.size());
        } finally {
            TempDirs.deleteRecursively(state);
        }
        assertThat(failures).as("seed %d", seed).isEmpty();
    }

    private static void check(List<String> failures, HostileRequests.Request request, HttpResponse<String> response,
                              int expectedStatus, Set<String> expectedCodes) {
        int status = response.statusCode();
        String where = "request " + request.index() + " (" + request.path() + ", " + request.body().length + " B)";
        if (status >= 500) {
            failures.add(where + ": answered " + status + " " + response.body());
            return;
        }
        JsonNode body = SegmentJson.parse(response.body().getBytes(StandardCharsets.UTF_8));
        if (status != expectedStatus) {
            failures.add(where + ": expected " + expectedStatus + " " + expectedCodes + ", got " + status + " "
                    + response.body());
        } else if (status != 200 && (!expectedCodes.contains(body.path("code").asText())
                || body.path("success").asBoolean(true))) {
            failures.add(where + ": expected a code of " + expectedCodes + ", got " + response.body());
        } else if (status == 200 && !body.path("success").asBoolean(false)) {
            failures.add(where + ": 200 without {\"success\":true}: " + response.body());
        }
    }

    private static void checkWhereEventsAre(List<String> failures, Map<String, HostileRequests.Expected> stored,
                                            Map<String, Integer> requestOf, Map<String, List<Found>> found) {
        for (Map.Entry<String, List<Found>> entry : found.entrySet()) {
            String probe = entry.getKey();
            HostileRequests.Expected expected = stored.get(probe);
            if (expected == null) {
                failures.add(probe + " (request " + requestOf.get(probe) + ") was refused but is in Kafka: "
                        + entry.getValue());
            }
        }
        for (HostileRequests.Expected e : stored.values()) {
            List<Found> where = found.getOrDefault(e.probe(), List.of()).stream()
                    .filter(f -> !f.topic().endsWith("ingest.raw")).toList();
            String label = e.probe() + " (request " + requestOf.get(e.probe()) + ")";
            if (e.valid()) {
                if (where.size() != 1 || !where.get(0).topic().endsWith("events." + e.type())) {
                    failures.add(label + ": expected once in events." + e.type() + ", found " + where);
                }
            } else if (where.size() != 1 || !where.get(0).topic().endsWith("events.rejected")
                    || where.get(0).probesInRecord() != 1 || !e.rejectCode().equals(where.get(0).code())
                    || !"ingest-api".equals(where.get(0).stage())) {
                failures.add(label + ": expected alone in events.rejected with " + e.rejectCode()
                        + " from ingest-api, found " + where);
            }
        }
    }

    /** Raw envelope, typed events and rejections together: at most 4× the body plus Sluice's fields per event. */
    private static void checkWhatEachRequestWrote(List<String> failures, Map<String, Integer> requestOf,
                                                  Map<Integer, Integer> bodySize, Map<Integer, Integer> eventCount,
                                                  Map<String, List<Found>> found) {
        Map<Integer, Long> written = new HashMap<>();
        Map<String, Boolean> counted = new HashMap<>();
        found.forEach((probe, places) -> {
            if (!requestOf.containsKey(probe)) {
                return; // a record without any probe: reported by checkWhereEventsAre
            }
            for (Found f : places) {
                // a raw envelope holds many probes: count its bytes once
                if (counted.putIfAbsent(f.recordId(), true) == null) {
                    written.merge(requestOf.get(probe), (long) f.bytes(), Long::sum);
                }
            }
        });
        written.forEach((request, bytes) -> {
            long bound = 4L * bodySize.get(request) + (long) eventCount.get(request) * ENRICHMENT_BYTES;
            if (bytes > bound) {
                failures.add("request " + request + " wrote " + bytes + " bytes to Kafka for a body of "
                        + bodySize.get(request) + " bytes (" + eventCount.get(request) + " events), over " + bound);
            }
        });
    }

    /** One place a probe was found. */
    record Found(String topic, String recordId, int bytes, int probesInRecord, String code, String stage,
                 String reason) {
        @Override
        public String toString() {
            return topic.substring(topic.indexOf('.') + 1)
                    + (code == null ? "" : "[" + code + " by " + stage + ": " + reason + "]");
        }
    }

    /**
     * Reads ingest.raw, the typed topics and events.rejected (read_committed) until every probe that
     * must be there is, or a minute passed; then two more seconds for anything extra.
     */
    private static Map<String, List<Found>> readEverything(Topics topics, Map<String, HostileRequests.Expected> stored) {
        List<String> names = new ArrayList<>(topics.allEventTopics());
        names.add(topics.rejected());
        names.add(topics.ingestRaw());
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        Map<String, List<Found>> found = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                consumer.partitionsFor(name).forEach(info -> partitions.add(new TopicPartition(name, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long expectedOutsideRaw = stored.size();
            long seenOutsideRaw = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String text = new String(r.value(), StandardCharsets.UTF_8);
                    Matcher m = PROBE.matcher(text);
                    List<String> probes = new ArrayList<>();
                    while (m.find()) {
                        probes.add(m.group(1));
                    }
                    String id = r.topic() + "/" + r.partition() + "/" + r.offset();
                    String code = FailureHeaders.text(r.headers(), FailureHeaders.CODE);
                    String stage = FailureHeaders.text(r.headers(), FailureHeaders.STAGE);
                    String reason = FailureHeaders.text(r.headers(), FailureHeaders.REASON);
                    for (String probe : probes) {
                        found.computeIfAbsent(probe, k -> new ArrayList<>())
                                .add(new Found(r.topic(), id, r.serializedValueSize(), probes.size(), code, stage, reason));
                    }
                    if (!r.topic().equals(topics.ingestRaw())) {
                        seenOutsideRaw += probes.size();
                    }
                    if (probes.isEmpty() && !r.topic().equals(topics.ingestRaw())) {
                        found.computeIfAbsent("<no probe>", k -> new ArrayList<>())
                                .add(new Found(r.topic(), id, r.serializedValueSize(), 0, code, stage, reason));
                    }
                }
                if (seenOutsideRaw >= expectedOutsideRaw && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return found;
    }

    private static HttpResponse<String> post(HttpClient http, int port, HostileRequests.Request request)
            throws Exception {
        byte[] body = request.body();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + request.path()))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "text/plain");
        if (request.gzip()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(body);
            }
            body = out.toByteArray();
            b.header("Content-Encoding", "gzip");
        }
        if (!request.keyInBody()) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
