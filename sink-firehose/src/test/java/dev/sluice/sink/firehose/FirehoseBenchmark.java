package dev.sluice.sink.firehose;

import dev.sluice.embeddedkafka.SharedKafka;
import dev.sluice.model.Topics;
import dev.sluice.sink.SinkService;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Not a test: events/s delivered by sink-firehose to the stand-in (no faults, then 10 % partial
 * failures) against a bare consumer reading the same topics, one broker, one run. See BENCHMARKS.md.
 */
public final class FirehoseBenchmark {

    private static long bareBytes;

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.events", 200_000);
        Topics topics = TypedEvents.newTopics();
        TypedEvents.write(topics, n, "project-a", "project-b", "project-c");
        System.out.printf("input: %,d events in 6 typed topics x 2 partitions, %d cores%n", n,
                Runtime.getRuntime().availableProcessors());

        double bare = bareConsumer(topics, n);
        System.out.printf("bare consumer (read_committed, no delivery): %,.0f events/s, mean event %d B%n", bare,
                bareBytes / n);

        for (double failureRate : new double[] {0.0, 0.10}) {
            try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default")) {
                firehose.partialFailureRate = failureRate;
                String group = "bench-firehose-" + (int) (failureRate * 100);
                Map<String, String> env = FirehoseSinkTest.env(topics, firehose, Map.of("SLUICE_SINK_GROUP_ID", group));
                long t0 = System.nanoTime();
                try (SinkService sink = FirehoseSinkTest.start(env, null)) {
                    while (TypedEvents.committed(group, topics) < n) {
                        Thread.sleep(50);
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("sink-firehose, %2.0f %% partial failures: %,d events in %.1f s = %,.0f events/s "
                        + "(%,d PutRecordBatch calls) -> %.0f %% of the bare consumer%n", failureRate * 100, n, secs,
                        n / secs, firehose.calls.get(), 100 * n / secs / bare);
            }
        }
        System.exit(0);
    }

    static double bareConsumer(Topics topics, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-bare");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long t0 = System.nanoTime();
        long seen = 0;
        bareBytes = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(topics.allEventTopics());
            while (seen < n) {
                for (var r : c.poll(Duration.ofMillis(100))) {
                    seen++;
                    bareBytes += r.value().length;
                }
            }
            c.commitSync();
        }
        return seen / ((System.nanoTime() - t0) / 1e9);
    }
}
