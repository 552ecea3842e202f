package dev.sluice.sink.firehose;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import dev.sluice.runtime.TopicCreator;
import dev.sluice.sink.AcceptanceSpan;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Not a test: what the delivery log costs a sink. sink-firehose drains the same backlog against the stand-in
 * with {@code SLUICE_DELIVERY_LOG} off and on, alternating (off/on, on/off, …) so drift in the machine's load
 * and the JIT's warming falls on both; per run the rate at the stand-in, the process's CPU time per event and
 * the log's own threads' share of it; then the log's size per delivered event. See BENCHMARKS.md.
 */
public final class DeliveryLogBenchmark {

    private static final String[] PROJECTS = {"project-a", "project-b", "project-c"};

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.events", 100_000);
        int pairs = Integer.getInteger("bench.pairs", 3);
        System.out.printf("backlog %,d events (UUID messageIds) in 6 typed topics x 2 partitions, 3 projects; "
                + "%d pairs; %d cores%n", n, pairs, Runtime.getRuntime().availableProcessors());
        int warmups = Integer.getInteger("bench.warmups", 2);
        for (int w = 0; w < warmups; w++) {
            Run warm = run(n, w % 2 == 0);
            System.out.printf("warm-up %d (log %s, not counted): %,.0f events/s%n", w + 1, w % 2 == 0 ? "on" : "off",
                    warm.rate());
        }
        System.out.println("| pair | log off events/s | log on events/s | on / off | process CPU us/event off | on "
                + "| log threads' CPU us/event | log entries | log JSON bytes / event | log bytes on disk / event |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        double offSum = 0;
        double onSum = 0;
        double offCpu = 0;
        double onCpu = 0;
        List<Run> ons = new ArrayList<>();
        for (int p = 1; p <= pairs; p++) {
            boolean onFirst = p % 2 == 0;
            Run first = run(n, onFirst);
            Run second = run(n, !onFirst);
            Run on = onFirst ? first : second;
            Run off = onFirst ? second : first;
            offSum += off.rate();
            onSum += on.rate();
            offCpu += off.cpuNanos();
            onCpu += on.cpuNanos();
            ons.add(on);
            System.out.printf("| %d (%s first) | %,.0f | %,.0f | %.2f | %.1f | %.1f | %.2f | %,d | %.1f | %.1f |%n", p,
                    onFirst ? "on" : "off", off.rate(), on.rate(), on.rate() / off.rate(), off.cpuNanos() / 1e3 / n,
                    on.cpuNanos() / 1e3 / n, on.logThreadsCpuNanos() / 1e3 / n, on.entries(),
                    on.jsonBytes() / (double) n, on.diskBytes() / (double) n);
        }
        System.out.printf("mean: log off %,.0f events/s, log on %,.0f events/s -> on / off %.2f%n",
                offSum / pairs, onSum / pairs, onSum / offSum);
        System.out.printf("mean process CPU per event (sink + stand-in + broker): log off %.1f us, log on %.1f us -> "
                + "+%.1f %%; the log's own threads %.2f us per event%n", offCpu / 1e3 / pairs / n,
                onCpu / 1e3 / pairs / n, 100 * (onCpu / offCpu - 1),
                ons.stream().mapToLong(Run::logThreadsCpuNanos).average().orElse(0) / 1e3 / n);
        System.out.printf("log per delivered event: %.1f bytes of JSON, %.1f bytes on disk (lz4); entries of %,.0f "
                + "events on average%n", ons.stream().mapToLong(Run::jsonBytes).average().orElse(0) / n,
                ons.stream().mapToLong(Run::diskBytes).average().orElse(0) / n,
                n / ons.stream().mapToLong(Run::entries).average().orElse(1));
        System.exit(0);
    }

    /** One drain: the rate at the stand-in from first to last acceptance, and what the log holds after it. */
    record Run(double rate, long cpuNanos, long logThreadsCpuNanos, long entries, long jsonBytes, long diskBytes) {
    }

    /** CPU time of this whole process so far: sink, stand-in and broker alike. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of the live threads whose name contains {@code part}. */
    private static long threadsCpuNanos(String part) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains(part)) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    static Run run(int n, boolean log) throws Exception {
        Topics topics = TypedEvents.newTopics();
        write(topics, n);
        // both modes start alike: the log's topic already there (with the log on the sink only checks it),
        // and the broker given a moment after the backlog's writes
        new TopicCreator(SharedKafka.bootstrapServers(), 2, 1).ensure(List.of(topics.deliveries()),
                Map.of("cleanup.policy", "delete"), Duration.ofSeconds(10));
        Thread.sleep(1000);
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default")) {
            Map<String, String> env = FirehoseSinkTest.env(topics, firehose,
                    Map.of("SLUICE_DELIVERY_LOG", log ? "on" : "off"));
            long cpu;
            long logCpu;
            long cpuStart = processCpuNanos();
            try (SinkService sink = FirehoseSinkTest.start(env, null)) {
                SinkTestTopics.awaitCommitted("sluice-sink-firehose", topics, n, 20);
                cpu = processCpuNanos() - cpuStart;
                // the log's writer thread and its producer's network thread
                logCpu = threadsCpuNanos("delivery-log");
            }
            double rate = AcceptanceSpan.of(firehose.accepted, FirehoseStandIn.Accepted::atMillis).perSecond(n);
            if (!log) {
                if (TopicProbe.count(SharedKafka.bootstrapServers(), topics.deliveries()) != 0) {
                    throw new IllegalStateException("the log is off but was written");
                }
                return new Run(rate, cpu, logCpu, 0, 0, 0);
            }
            long entries = TopicProbe.count(SharedKafka.bootstrapServers(), topics.deliveries());
            long json = 0;
            long events = 0;
            for (ConsumerRecord<String, byte[]> r : TopicProbe.read(SharedKafka.bootstrapServers(), topics.deliveries(),
                    (int) entries, Duration.ofSeconds(30))) {
                json += r.value().length;
                events += DeliveryLogEntry.parse(r.value()).events().size();
            }
            if (events != n) {
                throw new IllegalStateException("the log holds " + events + " events of " + n);
            }
            return new Run(rate, cpu, logCpu, entries, json, diskBytes(topics.deliveries()));
        }
    }

    /** The topic's size in the broker's log directories. */
    private static long diskBytes(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            List<Integer> brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream().map(Node::id)
                    .toList();
            long bytes = 0;
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions()
                    .get(10, TimeUnit.SECONDS).values()) {
                for (LogDirDescription d : dirs.values()) {
                    bytes += d.replicaInfos().entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                            .mapToLong(e -> e.getValue().size()).sum();
                }
            }
            return bytes;
        }
    }

    /** Router-shaped events like {@link TypedEvents}, with UUID messageIds as the SDKs send them. */
    private static void write(Topics topics, int n) {
        String bootstrap = SharedKafka.bootstrapServers();
        new TopicCreator(bootstrap, 2, 1).ensure(topics.allEventTopics(), Duration.ofSeconds(10));
        SplittableRandom random = new SplittableRandom(n);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String project = PROJECTS[i % PROJECTS.length];
                EventType type = EventType.values()[i % 6];
                String id = new UUID(random.nextLong(), random.nextLong()).toString();
                String json = "{\"type\":\"" + type.wireName() + "\",\"messageId\":\"" + id + "\",\"userId\":\"u" + i
                        + "\",\"projectId\":\"" + project + "\",\"timestamp\":\"2026-01-01T00:00:00.000Z\","
                        + "\"properties\":{\"i\":" + i + "}}";
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.events(type), project,
                        json.getBytes(StandardCharsets.UTF_8));
                EventHeaders.put(r.headers(), EventHeaders.TYPE, type.wireName());
                EventHeaders.put(r.headers(), EventHeaders.MESSAGE_ID, id);
                if (i < 6 * PROJECTS.length) {
                    try {
                        p.send(r).get(); // see TypedEventWriter: one acknowledged write per partition first
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    p.send(r);
                }
            }
        }
    }
}
