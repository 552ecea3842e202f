package dev.sluice.runtime;

import java.util.Map;
import java.util.Optional;

/**
 * How Sluice replicates the topics it creates: three replicas with {@code min.insync.replicas=2}
 * once the cluster has three brokers (one broker may be down and {@code acks=all} writes still
 * succeed; two copies of every acknowledged record exist), the broker's defaults below that.
 *
 * @param factor replication factor to ask for; empty: the broker's {@code default.replication.factor}
 * @param configs topic configs to set at creation
 */
public record TopicReplication(Optional<Short> factor, Map<String, String> configs) {

    public static final int PRODUCTION_FACTOR = 3;
    public static final int PRODUCTION_MIN_INSYNC = 2;

    public TopicReplication {
        configs = Map.copyOf(configs);
    }

    /**
     * @param configured {@code SLUICE_TOPIC_REPLICATION}: 0 lets the cluster size decide
     * @param brokers live brokers in the cluster
     */
    public static TopicReplication choose(int configured, int brokers) {
        int factor = configured > 0 ? configured : brokers >= PRODUCTION_FACTOR ? PRODUCTION_FACTOR : 0;
        if (factor == 0) {
            return new TopicReplication(Optional.empty(), Map.of());
        }
        Map<String, String> configs = factor >= PRODUCTION_FACTOR
                ? Map.of("min.insync.replicas", Integer.toString(PRODUCTION_MIN_INSYNC)) : Map.of();
        return new TopicReplication(Optional.of((short) factor), configs);
    }
}
