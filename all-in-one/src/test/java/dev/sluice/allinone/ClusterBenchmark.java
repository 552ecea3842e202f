package dev.sluice.allinone;

import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.model.Topics;
import dev.sluice.router.RouterApp;
import dev.sluice.router.RouterConfig;
import dev.sluice.testsupport.EmbeddedKafkaCluster;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Not a test: ingest-api and router-streams throughput on a single broker and on three brokers with
 * replication 3 and {@code min.insync.replicas=2}, in one run, each broker a child JVM with the same
 * options. See BENCHMARKS.md for the command.
 */
public final class ClusterBenchmark {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 15);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 5);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 16);
    private static final int PER_BATCH = 100;
    private static final int PROJECTS = 6;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    private static final List<String> BROKER_JVM = List.of("-Xmx1g");

    private record Result(double ingestEventsPerSecond, long non200, double routerEventsPerSecond, long routedEvents) {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("%d cores; ingest: %d HTTP clients, POST /v1/batch x%d, %d s warm-up + %d s measured; "
                        + "router: everything ingest wrote, timed from RUNNING until its committed offsets reach the end%n",
                Runtime.getRuntime().availableProcessors(), CLIENTS, PER_BATCH, WARMUP_SECONDS, SECONDS);
        // alternate the two set-ups so that other load on the machine hits both alike
        List<Result> results = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            results.add(run(1));
            results.add(run(3));
        }
        System.out.println();
        for (int i = 0; i < results.size(); i += 2) {
            Result one = results.get(i);
            Result three = results.get(i + 1);
            System.out.printf("round %d: 1 broker: ingest %,.0f events/s (non-200: %d), router %,.0f events/s (%,d events)"
                            + " | 3 brokers RF3: ingest %,.0f events/s (non-200: %d), router %,.0f events/s (%,d events)"
                            + " | RF3/RF1: ingest %.0f %%, router %.0f %%%n", i / 2 + 1,
                    one.ingestEventsPerSecond(), one.non200(), one.routerEventsPerSecond(), one.routedEvents(),
                    three.ingestEventsPerSecond(), three.non200(), three.routerEventsPerSecond(), three.routedEvents(),
                    100 * three.ingestEventsPerSecond() / one.ingestEventsPerSecond(),
                    100 * three.routerEventsPerSecond() / one.routerEventsPerSecond());
        }
    }

    private static Result run(int nodes) throws Exception {
        Path state = Files.createTempDirectory("sluice-cluster-bench-state-");
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(nodes, BROKER_JVM)) {
            String bootstrap = cluster.bootstrapServers();
            Topics topics = new Topics("bench.");
            Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                    "SLUICE_TOPIC_PREFIX", "bench.", "SLUICE_INGEST_PORT", "0", "SLUICE_ADMIN_PORT", "0",
                    "SLUICE_TOPIC_PARTITIONS", "3", "SLUICE_ROUTER_STATE_DIR", state.toString(),
                    "SLUICE_WRITE_KEYS", IntStream.range(0, PROJECTS).mapToObj(p -> "key" + p + "=project-" + p)
                            .collect(Collectors.joining(","))));
            double ingestRate;
            long non200;
            try (IngestApi api = IngestApi.start(IngestConfig.fromEnv(env))) {
                long[] counts = drive("http://localhost:" + api.port() + "/v1/batch");
                ingestRate = counts[0] / (double) SECONDS;
                non200 = counts[1];
            }
            System.out.printf("%d broker(s): ingest %,.0f events/s, non-200 %d%n", nodes, ingestRate, non200);

            long raw = endOffsets(bootstrap, topics.ingestRaw());
            long events = raw * PER_BATCH;
            try (RouterApp router = RouterApp.start(RouterConfig.fromEnv(env))) {
                while (router.state() != KafkaStreams.State.RUNNING) {
                    Thread.sleep(10);
                }
                long t0 = System.nanoTime();
                while (TopicProbe.committed(bootstrap, "sluice-router", List.of(topics.ingestRaw())) < raw) {
                    Thread.sleep(250);
                }
                double routerRate = events / ((System.nanoTime() - t0) / 1e9);
                System.out.printf("%d broker(s): router %,.0f events/s (%,d events)%n", nodes, routerRate, events);
                return new Result(ingestRate, non200, routerRate, events);
            }
        } finally {
            TempDirs.deleteRecursively(state);
        }
    }

    /** CLIENTS threads posting batches back to back; returns {events acknowledged while measuring, non-200 answers}. */
    private static long[] drive(String url) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        AtomicLong measured = new AtomicLong();
        AtomicLong non200 = new AtomicLong();
        long warmEnd = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
        long end = warmEnd + SECONDS * 1_000_000_000L;
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    int project = (client + n++) % PROJECTS;
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Basic " + Base64.getEncoder()
                                    .encodeToString(("key" + project + ":").getBytes()))
                            .POST(HttpRequest.BodyPublishers.ofString(batch())).build();
                    try {
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        long now = System.nanoTime();
                        if (status != 200) {
                            non200.incrementAndGet();
                        } else if (now > warmEnd && now <= end) {
                            measured.addAndGet(PER_BATCH);
                        }
                    } catch (Exception e) {
                        non200.incrementAndGet();
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        return new long[] {measured.get(), non200.get()};
    }

    private static String batch() {
        StringBuilder b = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < PER_BATCH; i++) {
            String type = i % 3 == 0 ? "track" : i % 3 == 1 ? "page" : "identify";
            b.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type)
                    .append("\",\"event\":\"Order Completed\",\"userId\":\"user-").append(i)
                    .append("\",\"messageId\":\"").append(UUID.randomUUID())
                    .append("\",\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"properties\":{\"orderId\":\"o-")
                    .append(i).append("\",\"revenue\":39.95,\"currency\":\"EUR\",\"products\":[{\"sku\":\"SKU-1\","
                            + "\"price\":19.95,\"quantity\":1}]},\"context\":{\"library\":{\"name\":\"analytics-java\","
                            + "\"version\":\"3.5.4\"},\"locale\":\"de-DE\",\"ip\":\"203.0.113.7\"},"
                            + "\"integrations\":{\"All\":true}}");
        }
        return b.append("]}").toString();
    }

    private static long endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return c.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
