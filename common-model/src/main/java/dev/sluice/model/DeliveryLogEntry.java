package dev.sluice.model;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One record of the delivery log ({@code <prefix>deliveries}, key = consumer group): what one sink group
 * did with some events at one moment. Sinks write one entry per outcome and reason of each settled batch,
 * so the log costs a record per batch, not per event; the console reads it to show each event's path.
 *
 * @param sink the sink's name ({@code sink-forwarder})
 * @param group the consumer group, which is the destination a user sees ({@code sluice-sink-webhook.crm})
 * @param atMillis when the outcome happened (the destination's answer, or Kafka's ack of a park/DLQ write)
 * @param code machine-readable reason ({@code http_400}); null when delivered
 * @param reason a sentence for a person; null when delivered
 * @param nextAttemptAtMillis when a retrying or parked event is due again; 0 otherwise
 * @param events the events this entry is about, in the order the sink had them
 */
public record DeliveryLogEntry(String sink, String group, Outcome outcome, long atMillis, String code,
                               String reason, long nextAttemptAtMillis, List<Event> events) {

    /** Format version written in field {@code v}; readers skip entries of a version they do not know. */
    public static final int VERSION = 1;

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper READER = new ObjectMapper();

    public DeliveryLogEntry {
        events = List.copyOf(events);
    }

    /** What happened to the events, as the console names it. */
    public enum Outcome {
        /** the destination accepted them */
        DELIVERED,
        /** failed; retried in place at {@code nextAttemptAtMillis} */
        RETRYING,
        /** written to the group's retry topic, due at {@code nextAttemptAtMillis} */
        PARKED,
        /** written to the group's DLQ: will not succeed as it is */
        DEAD_LETTERED,
        /** the destination has no use for them (not an error) */
        DISCARDED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The outcome named {@code name}; null when unknown (a newer writer). */
        public static Outcome fromWire(String name) {
            for (Outcome o : values()) {
                if (o.wireName().equals(name)) {
                    return o;
                }
            }
            return null;
        }
    }

    /**
     * One event of an entry.
     *
     * @param messageId from the record's {@code sluice.message-id} header (null if it had none)
     * @param projectId the record's key
     * @param type from the record's {@code sluice.type} header
     * @param timestampMillis the record's timestamp (ingest's append time): {@code atMillis} minus it is the latency
     * @param attempts delivery attempts made so far, this one included
     */
    public record Event(String messageId, String projectId, String type, long timestampMillis, int attempts) {
    }

    /** The entry as compact JSON: {@code {"v":1,"sink":…,"group":…,"outcome":…,"at":…,"events":[{"id":…,"p":…,"t":…,"ts":…,"n":…}]}}. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 80 * events.size());
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("sink", sink);
            g.writeStringField("group", group);
            g.writeStringField("outcome", outcome.wireName());
            g.writeNumberField("at", atMillis);
            if (code != null) {
                g.writeStringField("code", code);
            }
            if (reason != null) {
                g.writeStringField("reason", reason);
            }
            if (nextAttemptAtMillis > 0) {
                g.writeNumberField("next", nextAttemptAtMillis);
            }
            g.writeArrayFieldStart("events");
            for (Event e : events) {
                g.writeStartObject();
                if (e.messageId() != null) {
                    g.writeStringField("id", e.messageId());
                }
                if (e.projectId() != null) {
                    g.writeStringField("p", e.projectId());
                }
                if (e.type() != null) {
                    g.writeStringField("t", e.type());
                }
                g.writeNumberField("ts", e.timestampMillis());
                g.writeNumberField("n", e.attempts());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads an entry; null when the bytes are not one this version understands (so a reader skips them). */
    public static DeliveryLogEntry parse(byte[] json) {
        JsonNode n;
        try {
            n = READER.readTree(json);
        } catch (IOException e) {
            return null;
        }
        if (n == null || !n.isObject() || n.path("v").asInt() != VERSION) {
            return null;
        }
        Outcome outcome = Outcome.fromWire(n.path("outcome").asText(null));
        if (outcome == null || !n.path("events").isArray()) {
            return null;
        }
        List<Event> events = new ArrayList<>(n.path("events").size());
        for (JsonNode e : n.path("events")) {
            events.add(new Event(e.path("id").asText(null), e.path("p").asText(null), e.path("t").asText(null),
                    e.path("ts").asLong(), e.path("n").asInt()));
        }
        return new DeliveryLogEntry(n.path("sink").asText(null), n.path("group").asText(null), outcome,
                n.path("at").asLong(), n.path("code").asText(null), n.path("reason").asText(null),
                n.path("next").asLong(0), events);
    }
}
