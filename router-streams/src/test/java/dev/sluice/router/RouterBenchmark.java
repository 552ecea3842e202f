package dev.sluice.router;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import dev.sluice.model.EventType;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.runtime.TopicCreator;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Not a test: router throughput (EOS, dedup on) against a split-copy reference (the same envelopes cut
 * into one record per event, exactly once, with nothing else done) and a plain copy of the raw records,
 * on the same broker in the same run, then end-to-end latency at a steady rate. See BENCHMARKS.md.
 */
public final class RouterBenchmark {

    private static final int ENVELOPES = Integer.getInteger("bench.envelopes", 4000);
    private static final int PER_ENVELOPE = 100;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sluice-router-bench-");
        Path state = Files.createTempDirectory("sluice-router-bench-state-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            String bootstrap = broker.bootstrapServers();
            Topics topics = new Topics("bench.");
            new TopicCreator(bootstrap, 3, 1).ensure(List.of(topics.ingestRaw(), "bench.copy", "bench.split"),
                    Duration.ofSeconds(10));
            long events = (long) ENVELOPES * PER_ENVELOPE;
            fill(bootstrap, topics.ingestRaw(), ENVELOPES, Instant.parse("2026-01-01T00:00:00Z"));
            System.out.printf("input: %,d raw records x %d events = %,d events, 3 partitions, %d cores%n",
                    ENVELOPES, PER_ENVELOPE, events, Runtime.getRuntime().availableProcessors());

            double copyRate = plainCopy(bootstrap, topics.ingestRaw(), "bench.copy", ENVELOPES) * PER_ENVELOPE;
            System.out.printf("plain consume->produce copy (at-least-once, no parsing): %,.0f events/s%n", copyRate);
            double splitRate = splitCopy(bootstrap, topics.ingestRaw(), "bench.split", events);
            System.out.printf("split-copy reference (EOS transactions every 100 ms, one record per event cut out "
                    + "by streaming, no validation/enrichment/dedup): %,.0f events/s%n", splitRate);

            Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "SLUICE_TOPIC_PREFIX", "bench.",
                    "SLUICE_ADMIN_PORT", "0", "SLUICE_ROUTER_STATE_DIR", state.toString(),
                    "SLUICE_DEDUP_WINDOW", "PT24H", "SLUICE_TOPIC_PARTITIONS", "3",
                    "SLUICE_ROUTER_THREADS", System.getProperty("bench.threads", "1"));
            long t0 = System.nanoTime();
            try (RouterApp router = RouterApp.start(RouterConfig.fromEnv(env))) {
                long routed = awaitRouted(bootstrap, topics, events);
                double secs = (System.nanoTime() - t0) / 1e9;
                double rate = routed / secs;
                System.out.printf("router (exactly_once_v2, dedup PT24H, %s stream thread(s)): %,d events in %.1f s = "
                        + "%,.0f events/s -> %.2f of the split-copy reference%n", env.get("SLUICE_ROUTER_THREADS"),
                        routed, secs, rate, rate / splitRate);

                latency(bootstrap, topics, 2_000, 20);
            }
        } finally {
            TempDirs.deleteRecursively(dir);
            TempDirs.deleteRecursively(state);
        }
    }

    static String event(int i) {
        String type = EventType.values()[i % 6].wireName();
        return "{\"type\":\"" + type + "\",\"event\":\"Order Completed\",\"userId\":\"user-" + (i % 1000)
                + "\",\"groupId\":\"g\",\"previousId\":\"p\",\"messageId\":\"" + UUID.randomUUID()
                + "\",\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"properties\":{\"orderId\":\"o-" + i
                + "\",\"revenue\":39.95,\"currency\":\"EUR\",\"products\":[{\"sku\":\"SKU-1\",\"price\":19.95,"
                + "\"quantity\":1}]},\"context\":{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.4\"},"
                + "\"locale\":\"de-DE\"},\"integrations\":{\"All\":true}}";
    }

    static byte[] envelope(String project, int first, Instant receivedAt) {
        StringBuilder b = new StringBuilder("{\"projectId\":\"").append(project).append("\",\"receivedAt\":\"")
                .append(IsoInstant.format(receivedAt)).append("\",\"sentAt\":\"2026-01-01T00:00:01.000Z\","
                        + "\"ip\":\"203.0.113.7\",\"batch\":[");
        for (int i = 0; i < PER_ENVELOPE; i++) {
            b.append(i == 0 ? "" : ",").append(event(first + i));
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }

    static void fill(String bootstrap, String topic, int envelopes, Instant receivedAt) {
        try (KafkaProducer<String, byte[]> p = producer(bootstrap)) {
            for (int e = 0; e < envelopes; e++) {
                String project = "project-" + (e % 12);
                p.send(new ProducerRecord<>(topic, project, envelope(project, e * PER_ENVELOPE, receivedAt)));
            }
        }
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap, String group, boolean committedOnly) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Records/s of a consumer→producer loop that copies without looking at the data. */
    static double plainCopy(String bootstrap, String from, String to, int expected) {
        long t0 = System.nanoTime();
        int copied = 0;
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, "bench-copy", false);
             KafkaProducer<String, byte[]> p = producer(bootstrap)) {
            c.subscribe(List.of(from));
            while (copied < expected) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    p.send(new ProducerRecord<>(to, r.key(), r.value()));
                    copied++;
                }
                p.flush();
                c.commitSync();
            }
        }
        return copied / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * The ceiling for the router's job here: the same consume, cut each envelope into its events and
     * produce one record per event, with the router's producer settings and exactly-once
     * transactions committed every 100 ms, but no validation, enrichment or deduplication.
     */
    static double splitCopy(String bootstrap, String from, String to, long expectedEvents) throws Exception {
        long t0 = System.nanoTime();
        long produced = 0;
        JsonFactory json = new JsonFactory();
        Map<String, Object> producerConfig = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-split-" + UUID.randomUUID()));
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "bench-split", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000),
                new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerConfig, new StringSerializer(),
                     new ByteArraySerializer())) {
            p.initTransactions();
            c.subscribe(List.of(from));
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    new HashMap<>();
            long commitAt = System.nanoTime() + 100_000_000L;
            p.beginTransaction();
            while (produced < expectedEvents) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                    produced += split(json, r.value(), slice -> p.send(new ProducerRecord<>(to, r.key(), slice)));
                    offsets.put(new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1));
                }
                if (System.nanoTime() >= commitAt || produced >= expectedEvents) {
                    p.sendOffsetsToTransaction(offsets, c.groupMetadata());
                    p.commitTransaction();
                    offsets.clear();
                    commitAt = System.nanoTime() + 100_000_000L;
                    p.beginTransaction();
                }
            }
            p.commitTransaction();
        }
        return produced / ((System.nanoTime() - t0) / 1e9);
    }

    /** Hands each element of the envelope's batch array, as the bytes it was written with, to {@code out}. */
    private static int split(JsonFactory json, byte[] envelope, Consumer<byte[]> out)
            throws IOException {
        int n = 0;
        try (JsonParser parser = json.createParser(envelope)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean batch = parser.currentName().equals("batch");
                parser.nextToken();
                if (!batch) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentLocation().getByteOffset();
                    out.accept(Arrays.copyOfRange(envelope, start, end));
                    n++;
                }
            }
        }
        return n;
    }

    static long awaitRouted(String bootstrap, Topics topics, long expected) {
        long seen = 0;
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, "bench-count-" + UUID.randomUUID(), true)) {
            c.subscribe(topics.allEventTopics());
            while (seen < expected) {
                seen += c.poll(Duration.ofMillis(100)).count();
            }
        }
        return seen;
    }

    /** Envelopes stamped now at a steady rate; latency = read_committed arrival − envelope receivedAt. */
    static void latency(String bootstrap, Topics topics, int eventsPerSecond, int seconds) throws Exception {
        List<Long> latencies = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, "bench-latency-" + UUID.randomUUID(), true);
             KafkaProducer<String, byte[]> p = producer(bootstrap)) {
            c.subscribe(topics.allEventTopics());
            c.poll(Duration.ofMillis(500));
            c.seekToEnd(c.assignment());
            int envelopesPerSecond = Math.max(1, eventsPerSecond / PER_ENVELOPE);
            long intervalNanos = 1_000_000_000L / envelopesPerSecond;
            long next = System.nanoTime();
            long end = next + seconds * 1_000_000_000L;
            int sent = 0;
            while (System.nanoTime() < end || latencies.size() < (long) sent * PER_ENVELOPE) {
                if (System.nanoTime() >= next && System.nanoTime() < end) {
                    String project = "project-" + (sent % 12);
                    p.send(new ProducerRecord<>(topics.ingestRaw(), project,
                            envelope(project, 1_000_000_000 + sent * PER_ENVELOPE, Instant.now())));
                    sent++;
                    next += intervalNanos;
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(5))) {
                    Instant received = IsoInstant.parse(SegmentJson.parse(r.value()).get("receivedAt")).orElseThrow();
                    latencies.add(Duration.between(received, Instant.now()).toNanos());
                }
                if (System.nanoTime() > end + 30_000_000_000L) {
                    break;
                }
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("end-to-end latency at %,d events/s for %d s (receivedAt -> read_committed consumer), "
                        + "%,d events: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms%n", eventsPerSecond, seconds,
                sorted.length, pct(sorted, 0.5), pct(sorted, 0.99), pct(sorted, 0.999));
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

}
