package dev.sluice.model;

import java.util.Arrays;
import java.util.List;

/** Topic names derived from the configured prefix ({@code SLUICE_TOPIC_PREFIX}, default {@code sluice.}). */
public record Topics(String prefix) {

    public static final String DEFAULT_PREFIX = "sluice.";

    public Topics {
        if (prefix == null) {
            throw new IllegalArgumentException("topic prefix must not be null");
        }
        if (!prefix.isEmpty() && !prefix.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "topic prefix '" + prefix + "' may only contain letters, digits, '.', '_' and '-'");
        }
    }

    public String ingestRaw() {
        return prefix + "ingest.raw";
    }

    public String events(EventType type) {
        return prefix + "events." + type.wireName();
    }

    public List<String> allEventTopics() {
        return Arrays.stream(EventType.values()).map(this::events).toList();
    }

    public String rejected() {
        return prefix + "events.rejected";
    }

    /** The delivery log: what every sink group did with every event ({@link DeliveryLogEntry}). */
    public String deliveries() {
        return prefix + "deliveries";
    }

    public String retry(String sink) {
        return prefix + "retry." + sink;
    }

    public String dlq(String sink) {
        return prefix + "dlq." + sink;
    }

    /**
     * The retry topic of one consumer group of a sink: {@code <prefix>retry.<sink>} for the sink's own
     * group ({@link #sinkGroup}), {@code <prefix>retry.<sink>.<x>} for a group {@code sluice-<sink>.<x>} (a unit
     * of the sink, e.g. a webhook endpoint), {@code <prefix>retry.<sink>.<group>} for any other, so no group
     * ever reads another's parked records.
     */
    public String retry(String sink, String groupId) {
        return retry(groupSuffix(sink, groupId));
    }

    /** The DLQ of one consumer group of a sink, named like {@link #retry(String, String)}. */
    public String dlq(String sink, String groupId) {
        return dlq(groupSuffix(sink, groupId));
    }

    /** The consumer group a sink runs as unless told otherwise: {@code sluice-<sink>}. */
    public static String sinkGroup(String sink) {
        return "sluice-" + sink;
    }

    private static String groupSuffix(String sink, String groupId) {
        String own = sinkGroup(sink);
        if (groupId.equals(own)) {
            return sink;
        }
        if (groupId.startsWith(own + ".") && groupId.length() > own.length() + 1) {
            return sink + "." + topicSafe(groupId.substring(own.length() + 1));
        }
        return sink + "." + topicSafe(groupId);
    }

    /** A group id may hold characters a topic name may not. */
    private static String topicSafe(String s) {
        return s.replaceAll("[^a-zA-Z0-9._-]", "_");
    }
}
