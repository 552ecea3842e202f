package dev.sluice.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import dev.sluice.model.RawEnvelope;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Not a test: measures the raw producer ceiling and ingest-api over HTTP on one broker in one run.
 * Run: {@code ./mvnw -q -pl ingest-api -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.sluice.ingest.IngestBenchmark} (see BENCHMARKS.md).
 */
public final class IngestBenchmark {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 15);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 10);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 32);

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sluice-bench-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            String bootstrap = broker.bootstrapServers();
            String event = sampleEvent(0);
            System.out.printf("event size: %d bytes; run: %d s per phase, HTTP connections %d (wrk -t2), %d cores%n",
                    event.length(), SECONDS, CONNECTIONS, Runtime.getRuntime().availableProcessors());

            double ceiling100 = producerCeiling(bootstrap, "bench-producer-100", envelopes(100), 100);
            double ceiling1 = producerCeiling(bootstrap, "bench-producer-1", envelopes(1), 1);

            Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "SLUICE_INGEST_PORT", "0",
                    "SLUICE_WRITE_KEYS", "bench=bench-project", "SLUICE_TOPIC_PREFIX", "bench.",
                    "SLUICE_TOPIC_PARTITIONS", "3");
            try (IngestApi api = IngestApi.start(IngestConfig.fromEnv(env))) {
                String url = "http://localhost:" + api.port();
                Result batch = drive(url + "/v1/batch", batchBody(100), 100);
                Result single = drive(url + "/v1/track", event, 1);
                System.out.println();
                System.out.printf("producer ceiling, 100-event envelopes: %,.0f events/s%n", ceiling100);
                System.out.printf("producer ceiling, 1-event envelopes:   %,.0f events/s%n", ceiling1);
                System.out.printf("HTTP /v1/batch x100: %s  -> %.0f %% of the producer ceiling%n", batch,
                        100 * batch.eventsPerSecond / ceiling100);
                System.out.printf("HTTP /v1/track x1:   %s  -> %.0f %% of the producer ceiling%n", single,
                        100 * single.eventsPerSecond / ceiling1);
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    static String sampleEvent(int i) {
        return "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"user-" + (i % 1000)
                + "\",\"anonymousId\":\"0b1a1d3e-6c0e-4bd5-9a53-3f1c6bd1e2a" + (i % 10)
                + "\",\"messageId\":\"node-next-1767225600000-" + java.util.UUID.randomUUID()
                + "\",\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"properties\":{\"orderId\":\"o-" + i
                + "\",\"revenue\":39.95,\"currency\":\"EUR\",\"products\":[{\"sku\":\"SKU-1\",\"price\":19.95,"
                + "\"quantity\":1},{\"sku\":\"SKU-2\",\"price\":20,\"quantity\":1}]},\"context\":{\"library\":"
                + "{\"name\":\"@segment/analytics-node\",\"version\":\"3.1.0\"},\"locale\":\"de-DE\",\"ip\":"
                + "\"203.0.113.7\"},\"integrations\":{\"All\":true},\"_metadata\":{\"nodeVersion\":\"20.11.0\","
                + "\"jsRuntime\":\"node\"}}";
    }

    static String batchBody(int n) {
        StringBuilder b = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(sampleEvent(i));
        }
        return b.append("],\"sentAt\":\"2026-01-01T00:00:01.000Z\"}").toString();
    }

    /** 256 different envelopes, so compression sees realistic (not identical) records. */
    static byte[][] envelopes(int n) {
        byte[][] out = new byte[256][];
        for (int k = 0; k < out.length; k++) {
            out[k] = envelope(n, k * n);
        }
        return out;
    }

    static byte[] envelope(int n, int first) {
        ArrayNode batch = JsonNodeFactory.instance.arrayNode();
        for (int i = first; i < first + n; i++) {
            batch.add((ObjectNode) SegmentJson.parse(sampleEvent(i).getBytes(StandardCharsets.UTF_8)));
        }
        return new RawEnvelope("bench-project", Instant.now(), "2026-01-01T00:00:01.000Z", "127.0.0.1", "bench",
                null, null, batch).toBytes();
    }

    /** The same producer settings ingest-api uses, flat out, for SECONDS. */
    static double producerCeiling(String bootstrap, String topic, byte[][] values, int eventsPerRecord)
            throws Exception {
        IngestConfig cfg = IngestConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "SLUICE_WRITE_KEYS", "x=y"));
        new dev.sluice.runtime.TopicCreator(bootstrap, 3, 1).ensure(List.of(topic), Duration.ofSeconds(10));
        Semaphore inFlight = new Semaphore(Math.max(64, 20_000 / eventsPerRecord));
        AtomicLong acked = new AtomicLong();
        try (var producer = new KafkaProducer<>(IngestPublisher.producerProperties(cfg), new StringSerializer(),
                new ByteArraySerializer())) {
            long warmEnd = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
            long start = 0;
            int k = 0;
            long startAcked = 0;
            long end = warmEnd + SECONDS * 1_000_000_000L;
            boolean measuring = false;
            while (System.nanoTime() < end) {
                if (!measuring && System.nanoTime() >= warmEnd) {
                    measuring = true;
                    start = System.nanoTime();
                    startAcked = acked.get();
                }
                inFlight.acquire();
                producer.send(new ProducerRecord<>(topic, "bench-project", values[k++ & 255]), (m, e) -> {
                    acked.incrementAndGet();
                    inFlight.release();
                });
            }
            producer.flush();
            double secs = (System.nanoTime() - start) / 1e9;
            double rate = (acked.get() - startAcked) * (double) eventsPerRecord / secs;
            System.out.printf("producer %s: record %d B, %,.0f records/s, %,.0f events/s%n", topic, values[0].length,
                    rate / eventsPerRecord, rate);
            return rate;
        }
    }

    record Result(double requestsPerSecond, double eventsPerSecond, double p50, double p99, double p999,
                  long errors) {
        @Override
        public String toString() {
            return String.format("%,.0f req/s, %,.0f events/s, latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
                    + "non-2xx/errors %d", requestsPerSecond, eventsPerSecond, p50, p99, p999, errors);
        }
    }

    /** wrk (Debian package) as the load generator: C, two threads, far lighter than a JVM client. */
    static Result drive(String url, String body, int eventsPerRequest) throws Exception {
        Path bodyFile = Files.createTempFile("bench-body-", ".json");
        Path script = Files.createTempFile("bench-", ".lua");
        Files.writeString(bodyFile, body);
        Files.writeString(script, String.join("\n",
                "wrk.method = 'POST'",
                "local f = io.open('" + bodyFile + "', 'r'); wrk.body = f:read('*a'); f:close()",
                "wrk.headers['Content-Type'] = 'application/json'",
                "wrk.headers['Authorization'] = 'Basic " + Base64.getEncoder().encodeToString(
                        "bench:".getBytes(StandardCharsets.UTF_8)) + "'",
                "done = function(summary, latency, requests)",
                "  io.write(string.format('RESULT requests=%d seconds=%f errors=%d p50=%d p99=%d p999=%d\\n',",
                "    summary.requests, summary.duration / 1e6, summary.errors.status + summary.errors.connect"
                        + " + summary.errors.read + summary.errors.write + summary.errors.timeout,",
                "    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))",
                "end", ""));
        run("wrk", "-t2", "-c" + CONNECTIONS, "-d" + WARMUP_SECONDS + "s", "-s", script.toString(), url);
        String out = run("wrk", "-t2", "-c" + CONNECTIONS, "-d" + SECONDS + "s", "-s", script.toString(), url);
        String line = out.lines().filter(l -> l.startsWith("RESULT")).findFirst()
                .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + out));
        Map<String, Double> v = new java.util.HashMap<>();
        for (String kv : line.substring(7).split(" ")) {
            String[] p = kv.split("=");
            v.put(p[0], Double.parseDouble(p[1]));
        }
        double rps = v.get("requests") / v.get("seconds");
        Result r = new Result(rps, rps * eventsPerRequest, v.get("p50") / 1000, v.get("p99") / 1000,
                v.get("p999") / 1000, v.get("errors").longValue());
        System.out.printf("HTTP %s x%d: %s%n", url.substring(url.lastIndexOf('/')), eventsPerRequest, r);
        return r;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (is wrk installed? "
                    + "apt-get install wrk):\n" + out);
        }
        return out;
    }
}
