package dev.sluice.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import dev.sluice.sink.forwarder.SegmentStandInAccess;
import dev.sluice.testsupport.EmbeddedKafkaCluster;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * ingest-api, the router and sink-forwarder (to a Segment stand-in) on a three-broker cluster with
 * replication 3 and {@code min.insync.replicas=2}, while HTTP clients send events steadily: the
 * broker leading the busiest partitions is SIGKILLed, restarted, then another broker is stopped
 * cleanly. No service is restarted.
 */
class ClusterFailoverTest {

    private static final int PROJECTS = 6;
    private static final int SENDERS = 4;
    private static final int BATCH = 10;
    private static final EventType[] TYPES = {EventType.TRACK, EventType.IDENTIFY, EventType.PAGE};

    private final Topics topics = new Topics("failover.");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** messageId → the typed topic its event belongs in, for every event ingest answered 200 for. */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final NavigableSet<Long> secondsWith503 = new ConcurrentSkipListSet<>();
    private final AtomicInteger responses503 = new AtomicInteger();
    private final AtomicLong last200 = new AtomicLong();
    private final List<String> unexpected = new ArrayList<>();
    private volatile boolean sending = true;

    @Test
    void everyAcknowledgedEventIsRoutedOnceAndDeliveredWhileBrokersFailAndReturn() throws Exception {
        Path data = Files.createTempDirectory("sluice-failover-");
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3);
             SegmentStandInAccess segment = new SegmentStandInAccess("segment-key");
             AllInOne sluice = AllInOne.start(Map.ofEntries(
                     Map.entry("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers()),
                     Map.entry("SLUICE_DATA_DIR", data.toString()),
                     Map.entry("SLUICE_TOPIC_PREFIX", topics.ingestRaw().replace("ingest.raw", "")),
                     Map.entry("SLUICE_INGEST_PORT", "0"), Map.entry("SLUICE_ROUTER_ADMIN_PORT", "0"),
                     Map.entry("SLUICE_CONSOLE_PORT", "0"),
                     Map.entry("SLUICE_INGEST_ADMIN_PORT", "0"),
                     Map.entry("SINK_FORWARDER__SLUICE_ADMIN_PORT", "0"),
                     Map.entry("SLUICE_WRITE_KEYS", IntStream.range(0, PROJECTS).mapToObj(p -> "key" + p + "=p" + p)
                             .collect(Collectors.joining(","))),
                     // shorter than the 10 s default so that the leader change shows up as 503s that
                     // the clients resend, the way a Segment SDK does
                     Map.entry("SLUICE_INGEST_KAFKA_TIMEOUT", "PT3S"),
                     Map.entry("SLUICE_FORWARD_URL", segment.url()),
                     Map.entry("SLUICE_FORWARD_DEFAULT_WRITE_KEY", "segment-key")))) {
            await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                    .until(() -> status(sluice.routerAdminPort(), "/readyz") == 200);
            assertReplicatedForTheCluster(cluster.bootstrapServers()); // the router's changelog exists once RUNNING
            long t0 = System.currentTimeMillis();
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                int sender = i;
                Thread t = new Thread(() -> send(sluice.ingestPort(), sender), "sender-" + i);
                t.start();
                senders.add(t);
            }
            List<String> busy = new ArrayList<>(topics.allEventTopics());
            busy.add(topics.ingestRaw());

            sleep(5_000);
            int victim = leaderOfBusiestPartitions(cluster, busy);
            long killedAt = System.currentTimeMillis();
            cluster.kill(victim);
            sleep(8_000);
            long restartAt = System.currentTimeMillis();
            cluster.restart(victim);
            cluster.awaitInSync(busy, Duration.ofSeconds(90));
            awaitA200("after the killed leader's return");
            sleep(3_000);
            int other = cluster.nodeIds().stream().filter(id -> id != victim).findFirst().orElseThrow();
            long stopAt = System.currentTimeMillis();
            cluster.stop(other);
            awaitA200("with one of three brokers stopped");
            sleep(5_000);
            sending = false;
            for (Thread t : senders) {
                t.join(60_000);
            }
            synchronized (unexpected) {
                assertThat(unexpected).as("answers other than 200 and 503").isEmpty();
            }
            System.out.printf("failover: %d events acknowledged; node %d killed at +%ds, restarted at +%ds, "
                            + "node %d stopped at +%ds; %d 503 answers in %d distinct seconds: %s%n",
                    acknowledged.size(), victim, (killedAt - t0) / 1000, (restartAt - t0) / 1000, other,
                    (stopAt - t0) / 1000, responses503.get(), secondsWith503.size(),
                    secondsWith503.stream().map(s -> "+" + (s - t0 / 1000) + "s").toList());
            assertThat(acknowledged.size()).as("events acknowledged").isGreaterThan(1000);

            Map<String, Integer> routed = readTypedTopics(cluster.bootstrapServers(), acknowledged.keySet());
            Map<String, Integer> notOnce = acknowledged.keySet().stream()
                    .filter(id -> routed.getOrDefault(id, 0) != 1)
                    .collect(Collectors.toMap(id -> id, id -> routed.getOrDefault(id, 0)));
            assertThat(notOnce).as("acknowledged events not exactly once in their typed topic (id → copies)")
                    .isEmpty();

            await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                    .until(() -> new HashSet<>(segment.messageIds()).containsAll(acknowledged.keySet()));
            assertThat(status(sluice.routerAdminPort(), "/readyz")).as("router still running").isEqualTo(200);
            assertThat(status(sluice.sinkAdminPort("sink-forwarder"), "/healthz")).as("sink still alive").isEqualTo(200);
        } finally {
            sending = false;
            TempDirs.deleteRecursively(data);
        }
    }

    /** Ingest answers 200 again (to any client) after this moment; no claim on how soon. */
    private void awaitA200(String when) {
        long before = last200.get();
        await().alias("a 200 from ingest " + when).atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(() -> last200.get() != before);
    }

    /**
     * Topics Sluice created itself on this cluster, and the router's dedup changelog that Kafka Streams
     * creates for it, carry the production replication rule.
     */
    private void assertReplicatedForTheCluster(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            String changelog = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(n -> n.endsWith("-dedup-store-changelog")).findFirst().orElseThrow();
            for (String name : List.of(topics.ingestRaw(), changelog)) {
                assertThat(admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name)
                        .partitions()).as(name).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
                var config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
                assertThat(config.get("min.insync.replicas").value()).as(name).isEqualTo("2");
            }
        }
    }

    /** The broker leading the partitions that received the most records so far. */
    private static int leaderOfBusiestPartitions(EmbeddedKafkaCluster cluster, Collection<String> names) {
        Map<TopicPartition, Integer> leaders = cluster.leaders(names);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> ends = c.endOffsets(leaders.keySet(), Duration.ofSeconds(30));
            Map<Integer, Long> perLeader = new HashMap<>();
            ends.forEach((tp, end) -> perLeader.merge(leaders.get(tp), end, Long::sum));
            System.out.println("failover: records per leader before the kill " + perLeader);
            return perLeader.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }
    }

    /** One client: a batch of new events, resent as it is after a 503 (as Segment's SDKs do) until a 200. */
    private void send(int port, int sender) {
        int seq = 0;
        while (sending) {
            int project = (sender + seq) % PROJECTS;
            Map<String, String> batch = new HashMap<>();
            StringBuilder body = new StringBuilder("{\"batch\":[");
            for (int i = 0; i < BATCH; i++) {
                String id = "s" + sender + "-" + seq + "-" + i;
                EventType type = TYPES[i % TYPES.length];
                batch.put(id, topics.events(type));
                body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type.name().toLowerCase())
                        .append("\",\"userId\":\"u").append(i).append("\",\"messageId\":\"").append(id)
                        .append(type == EventType.TRACK ? "\",\"event\":\"Failover\"}" : "\"}");
            }
            body.append("]}");
            seq++;
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/batch"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString(("key" + project + ":").getBytes()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            while (true) {
                int status;
                try {
                    status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    status = -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (status == 200) {
                    acknowledged.putAll(batch);
                    last200.set(System.nanoTime());
                    break;
                }
                if (status != 503) {
                    synchronized (unexpected) {
                        unexpected.add("status " + status);
                    }
                    break;
                }
                responses503.incrementAndGet();
                secondsWith503.add(System.currentTimeMillis() / 1000);
                if (!sending) {
                    break; // never acknowledged: the test makes no claim about this batch
                }
                sleep(200);
            }
            sleep(100);
        }
    }

    /** How often each of {@code ids} is in its typed topic, reading committed data until all are seen, then 2 s more. */
    private Map<String, Integer> readTypedTopics(String bootstrap, Set<String> ids) {
        Map<String, Integer> copies = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = topics.allEventTopics().stream()
                    .flatMap(t -> c.partitionsFor(t, Duration.ofSeconds(30)).stream()
                            .map(i -> new TopicPartition(t, i.partition())))
                    .toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long settleEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleEnd)) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String id = EventHeaders.text(r.headers(), EventHeaders.MESSAGE_ID);
                    if (r.topic().equals(acknowledged.get(id))) {
                        copies.merge(id, 1, Integer::sum);
                    } else if (acknowledged.containsKey(id)) {
                        copies.put(id, -100); // in the wrong topic: fails the exactly-once check
                    }
                }
                if (settleEnd == Long.MAX_VALUE && copies.keySet().containsAll(ids)) {
                    settleEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
            }
        }
        return copies;
    }

    private int status(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
