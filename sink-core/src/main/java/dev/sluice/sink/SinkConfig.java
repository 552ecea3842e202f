package dev.sluice.sink;

import dev.sluice.model.Topics;
import dev.sluice.runtime.AdminServer;
import dev.sluice.runtime.EnvReader.ConfigException;
import dev.sluice.runtime.EnvReader;
import dev.sluice.runtime.KafkaSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The runtime settings every sink shares, from the environment.
 *
 * @param sourceTopics the topics this sink delivers (default: all six typed topics)
 * @param linger overrides the sink's own linger when set; null otherwise
 * @param maxCallsInFlight overrides the sink's own {@link Sink#maxCallsInFlight()} when set; null otherwise
 * @param deliveryTimeout the deadline each {@link Sink#deliver} call gets
 * @param adminBind address of the admin server ({@code SLUICE_ADMIN_BIND}): loopback unless configured
 * @param deliveryLog whether and how long the group's outcomes are kept in {@code <prefix>deliveries}
 */
public record SinkConfig(String sinkName, KafkaSettings kafka, int adminPort, String groupId,
                         StartPosition startFrom, List<String> sourceTopics, RetryPolicy retry, Duration linger,
                         Integer maxCallsInFlight, Duration sessionTimeout, Duration deliveryTimeout, String adminBind,
                         DeliveryLogSettings deliveryLog) {

    /**
     * The delivery log's settings.
     *
     * @param enabled {@code SLUICE_DELIVERY_LOG} ({@code on})
     * @param retention {@code SLUICE_DELIVERY_LOG_RETENTION}: {@code retention.ms} of the topic when a sink creates it
     */
    public record DeliveryLogSettings(boolean enabled, Duration retention) {
        public DeliveryLogSettings {
            if (retention.isZero() || retention.isNegative()) {
                throw new ConfigException("SLUICE_DELIVERY_LOG_RETENTION must be positive, got " + retention);
            }
        }
    }

    public SinkConfig {
        if (startFrom.kind() == StartPosition.Kind.OFFSET) {
            throw new ConfigException("SLUICE_SINK_START_FROM: an offset only makes sense for a replay of one topic");
        }
        if (sourceTopics.isEmpty()) {
            throw new ConfigException("SLUICE_SINK_TOPICS is empty");
        }
        if (deliveryTimeout.isZero() || deliveryTimeout.isNegative()) {
            throw new ConfigException("SLUICE_SINK_DELIVERY_TIMEOUT must be positive, got " + deliveryTimeout);
        }
    }

    public static SinkConfig fromEnv(Map<String, String> env, String sinkName, int defaultAdminPort) {
        EnvReader r = new EnvReader(env);
        if (r.raw("SLUICE_SINK_INPLACE_ATTEMPTS") != null) {
            throw new ConfigException("SLUICE_SINK_INPLACE_ATTEMPTS is gone: records now keep being retried in place "
                    + "for a time, SLUICE_SINK_PARK_AFTER (default PT1M), before they are parked");
        }
        KafkaSettings kafka = KafkaSettings.fromEnv(r);
        Topics topics = kafka.topics();
        String sourceList = r.raw("SLUICE_SINK_TOPICS");
        List<String> sources = sourceList == null ? topics.allEventTopics()
                : Arrays.stream(sourceList.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        RetryPolicy retry;
        try {
            retry = new RetryPolicy(
                    r.duration("SLUICE_SINK_PARK_AFTER", Duration.ofMinutes(1)),
                    r.duration("SLUICE_SINK_BACKOFF_BASE", Duration.ofMillis(200)),
                    r.duration("SLUICE_SINK_BACKOFF_MAX", Duration.ofSeconds(1)),
                    r.duration("SLUICE_SINK_RETRY_BASE", Duration.ofSeconds(30)),
                    r.duration("SLUICE_SINK_RETRY_MAX_DELAY", Duration.ofMinutes(30)),
                    r.duration("SLUICE_SINK_MAX_AGE", Duration.ofHours(24)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("SLUICE_SINK_BACKOFF_BASE / SLUICE_SINK_BACKOFF_MAX: " + e.getMessage());
        }
        String linger = r.raw("SLUICE_SINK_LINGER");
        return new SinkConfig(sinkName, kafka,
                r.integer("SLUICE_ADMIN_PORT", defaultAdminPort, 0, 65535),
                r.string("SLUICE_SINK_GROUP_ID", defaultGroupId(sinkName)),
                StartPosition.parse(r.string("SLUICE_SINK_START_FROM", "earliest"), "SLUICE_SINK_START_FROM"),
                sources, retry,
                linger == null ? null : r.duration("SLUICE_SINK_LINGER", null),
                r.raw("SLUICE_SINK_MAX_IN_FLIGHT") == null ? null : r.integer("SLUICE_SINK_MAX_IN_FLIGHT", 1, 1, 64),
                r.duration("SLUICE_SINK_SESSION_TIMEOUT", Duration.ofSeconds(45)),
                r.duration("SLUICE_SINK_DELIVERY_TIMEOUT", Duration.ofSeconds(30)),
                r.string("SLUICE_ADMIN_BIND", AdminServer.DEFAULT_BIND),
                new DeliveryLogSettings(r.bool("SLUICE_DELIVERY_LOG", true),
                        r.duration("SLUICE_DELIVERY_LOG_RETENTION", Duration.ofDays(7))));
    }

    /** The same settings for another consumer group of this sink (one per webhook endpoint), with its own topics. */
    public SinkConfig withGroup(String otherGroupId) {
        return new SinkConfig(sinkName, kafka, adminPort, otherGroupId, startFrom, sourceTopics, retry, linger,
                maxCallsInFlight, sessionTimeout, deliveryTimeout, adminBind, deliveryLog);
    }

    /** The group a sink runs as unless told otherwise: {@code sluice-<sink>}. */
    public static String defaultGroupId(String sinkName) {
        return Topics.sinkGroup(sinkName);
    }

    /** The group's own retry topic ({@link Topics#retry(String, String)}): no group reads another's parked records. */
    public String retryTopic() {
        return kafka.topics().retry(sinkName, groupId);
    }

    /** The delivery log every sink group of the cluster writes to (key: the group). */
    public String deliveriesTopic() {
        return kafka.topics().deliveries();
    }

    /** The group's own DLQ, named like {@link #retryTopic()}. */
    public String dlqTopic() {
        return kafka.topics().dlq(sinkName, groupId);
    }

    /**
     * How long the consumer may go without polling before the group takes its partitions: room for a
     * whole delivery call and the parking after it.
     */
    public Duration maxPollInterval() {
        Duration needed = deliveryTimeout.multipliedBy(2).plusSeconds(60);
        return needed.compareTo(Duration.ofMinutes(5)) > 0 ? needed : Duration.ofMinutes(5);
    }
}
