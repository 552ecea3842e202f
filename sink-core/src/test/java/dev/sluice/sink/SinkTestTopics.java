package dev.sluice.sink;

import dev.sluice.model.Topics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import java.util.HashMap;
import java.util.Map;

/**
 * A sink test's typed topics on the shared broker: the environment that points a sink at them, how many events
 * they hold and how far a group committed.
 */
public final class SinkTestTopics {

    private SinkTestTopics() {
    }

    /**
     * The shared broker, the topics' prefix, a free admin port, two partitions, and backoff, retry and
     * session timings short enough for a test; then {@code sinkVars} (the destination's, or overrides).
     * Mutable, so a test can add or remove variables.
     */
    public static Map<String, String> env(Topics topics, Map<String, String> sinkVars) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "SLUICE_TOPIC_PREFIX", topics.prefix(),
                "SLUICE_ADMIN_PORT", "0",
                "SLUICE_TOPIC_PARTITIONS", "2",
                "SLUICE_SINK_BACKOFF_BASE", "PT0.05S",
                "SLUICE_SINK_BACKOFF_MAX", "PT1S",
                "SLUICE_SINK_RETRY_BASE", "PT1S",
                "SLUICE_SINK_RETRY_MAX_DELAY", "PT3S",
                "SLUICE_SINK_SESSION_TIMEOUT", "PT6S"));
        env.putAll(sinkVars);
        return env;
    }

    /** The sum of {@code group}'s committed offsets over the typed topics: how many events a sink has settled. */
    public static long committed(String group, Topics topics) {
        return TopicProbe.committed(SharedKafka.bootstrapServers(), group, topics.allEventTopics());
    }

    /** Returns once {@code group} has committed at least {@code n} events, asking every {@code pollMillis}. */
    public static void awaitCommitted(String group, Topics topics, long n, long pollMillis) throws InterruptedException {
        while (committed(group, topics) < n) {
            Thread.sleep(pollMillis);
        }
    }

    /** How many events the typed topics hold (exact: tests write them without transactions). */
    public static long written(Topics topics) {
        long n = 0;
        for (String t : topics.allEventTopics()) {
            n += TopicProbe.count(SharedKafka.bootstrapServers(), t);
        }
        return n;
    }
}
