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
}
