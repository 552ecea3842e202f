package dev.sluice.runtime;

import dev.sluice.model.Topics;

/**
 * The Kafka settings every service reads the same way: which cluster, which topic names, and how the topics it
 * creates are laid out.
 *
 * @param topicPartitions partitions of the topics a service creates ({@code SLUICE_TOPIC_PARTITIONS}; 0: broker default)
 * @param topicReplication their replication ({@code SLUICE_TOPIC_REPLICATION}; 0: chosen from the cluster's size)
 */
public record KafkaSettings(String bootstrapServers, Topics topics, int topicPartitions, int topicReplication) {

    public static KafkaSettings fromEnv(EnvReader r) {
        return new KafkaSettings(
                r.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                new Topics(r.stringAllowEmpty("SLUICE_TOPIC_PREFIX", Topics.DEFAULT_PREFIX)),
                r.integer("SLUICE_TOPIC_PARTITIONS", 3, 0, 10_000),
                r.integer("SLUICE_TOPIC_REPLICATION", 0, 0, 10));
    }

    /** Creates (or checks) topics laid out as configured. */
    public TopicCreator topicCreator() {
        return new TopicCreator(bootstrapServers, topicPartitions, topicReplication);
    }
}
