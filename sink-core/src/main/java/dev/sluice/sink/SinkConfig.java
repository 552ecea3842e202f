package dev.sluice.sink;

import dev.sluice.model.EnvReader;
import dev.sluice.model.EnvReader.ConfigException;
import dev.sluice.model.Topics;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The runtime settings every sink shares, from the environment.
 *
 * @param sourceTopics the topics this sink delivers (default: all six typed topics)
 * @param linger overrides the sink's own linger when set; null otherwise
 */
public record SinkConfig(String sinkName, String bootstrapServers, Topics topics, int adminPort, String groupId,
                         StartPosition startFrom, List<String> sourceTopics, RetryPolicy retry, Duration linger,
                         Duration sessionTimeout, int topicPartitions, int topicReplication) {

    public SinkConfig {
        if (startFrom.kind() == StartPosition.Kind.OFFSET) {
            throw new ConfigException("SLUICE_SINK_START_FROM: an offset only makes sense for a replay of one topic");
        }
        if (sourceTopics.isEmpty()) {
            throw new ConfigException("SLUICE_SINK_TOPICS is empty");
        }
    }

    public static SinkConfig fromEnv(Map<String, String> env, String sinkName, int defaultAdminPort) {
        EnvReader r = new EnvReader(env);
        Topics topics = new Topics(r.stringAllowEmpty("SLUICE_TOPIC_PREFIX", Topics.DEFAULT_PREFIX));
        String sourceList = r.raw("SLUICE_SINK_TOPICS");
        List<String> sources = sourceList == null ? topics.allEventTopics()
                : Arrays.stream(sourceList.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        RetryPolicy retry = new RetryPolicy(
                r.integer("SLUICE_SINK_INPLACE_ATTEMPTS", 5, 1, 1000),
                r.duration("SLUICE_SINK_BACKOFF_BASE", Duration.ofMillis(200)),
                r.duration("SLUICE_SINK_BACKOFF_MAX", Duration.ofSeconds(10)),
                r.duration("SLUICE_SINK_RETRY_BASE", Duration.ofSeconds(30)),
                r.duration("SLUICE_SINK_RETRY_MAX_DELAY", Duration.ofMinutes(30)),
                r.duration("SLUICE_SINK_MAX_AGE", Duration.ofHours(24)));
        String linger = r.raw("SLUICE_SINK_LINGER");
        return new SinkConfig(sinkName,
                r.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                topics,
                r.integer("SLUICE_ADMIN_PORT", defaultAdminPort, 0, 65535),
                r.string("SLUICE_SINK_GROUP_ID", "sluice-" + sinkName),
                StartPosition.parse(r.string("SLUICE_SINK_START_FROM", "earliest"), "SLUICE_SINK_START_FROM"),
                sources, retry,
                linger == null ? null : r.duration("SLUICE_SINK_LINGER", null),
                r.duration("SLUICE_SINK_SESSION_TIMEOUT", Duration.ofSeconds(45)),
                r.integer("SLUICE_TOPIC_PARTITIONS", 3, 0, 10_000),
                r.integer("SLUICE_TOPIC_REPLICATION", 0, 0, 10));
    }

    public String retryTopic() {
        return topics.retry(sinkName);
    }

    public String dlqTopic() {
        return topics.dlq(sinkName);
    }
}
