package dev.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an event as sent into the event Sluice publishes: envelope context/integrations merged in,
 * {@code projectId}, {@code messageId}, {@code receivedAt}, {@code sentAt}, {@code originalTimestamp},
 * the skew-corrected {@code timestamp} and {@code context.ip}.
 */
public final class EventEnricher {

    /**
     * Enriches {@code event} in place and returns it.
     *
     * @param fallbackMessageId used when the event has no messageId; must be deterministic for the
     *                          same input so reprocessing stays deduplicated
     */
    public ObjectNode enrich(ObjectNode event, RawEnvelope envelope, String fallbackMessageId) {
        event.remove("writeKey");
        mergeInto(event, "context", envelope.context());
        mergeInto(event, "integrations", envelope.integrations());
        event.put("projectId", envelope.projectId());
        JsonNode messageId = event.get("messageId");
        if (messageId == null || !messageId.isTextual() || messageId.asText().isEmpty()) {
            event.put("messageId", fallbackMessageId);
        }

        Instant receivedAt = envelope.receivedAt();
        Optional<Instant> original = IsoInstant.parse(event.get("originalTimestamp"))
                .or(() -> IsoInstant.parse(event.get("timestamp")));
        // a per-event sentAt overrides the envelope's
        Optional<Instant> sentAt = IsoInstant.parse(event.get("sentAt"))
                .or(() -> IsoInstant.parse(envelope.sentAt()));

        Instant originalTimestamp = original.orElse(receivedAt);
        Instant timestamp = skewCorrected(receivedAt, sentAt, original);

        event.put("receivedAt", IsoInstant.format(receivedAt));
        sentAt.ifPresent(s -> event.put("sentAt", IsoInstant.format(s)));
        event.put("originalTimestamp", IsoInstant.format(originalTimestamp));
        event.put("timestamp", IsoInstant.format(timestamp));

        if (envelope.ip() != null) {
            ObjectNode context = event.get("context") instanceof ObjectNode c ? c : event.putObject("context");
            JsonNode ip = context.get("ip");
            if (ip == null || ip.isNull() || (ip.isTextual() && ip.asText().isEmpty())) {
                context.put("ip", envelope.ip());
            }
        }
        return event;
    }

    /**
     * Segment's clock-skew correction: {@code receivedAt − (sentAt − originalTimestamp)}. Without a
     * {@code sentAt} the client's own time is used; without any client time, the receipt time.
     */
    public static Instant skewCorrected(Instant receivedAt, Optional<Instant> sentAt, Optional<Instant> original) {
        if (original.isEmpty()) {
            return receivedAt;
        }
        if (sentAt.isEmpty()) {
            return original.get();
        }
        return receivedAt.minus(Duration.between(original.get(), sentAt.get()));
    }

    /** Envelope values fill in what the event lacks; the event's own keys win (Segment's merge). */
    private static void mergeInto(ObjectNode event, String field, JsonNode envelopeValue) {
        if (envelopeValue == null || !envelopeValue.isObject() || envelopeValue.isEmpty()) {
            return;
        }
        JsonNode own = event.get(field);
        if (own == null || own.isNull()) {
            event.set(field, envelopeValue.deepCopy());
            return;
        }
        if (own instanceof ObjectNode ownObject) {
            Iterator<Map.Entry<String, JsonNode>> it = envelopeValue.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!ownObject.has(e.getKey())) {
                    ownObject.set(e.getKey(), e.getValue().deepCopy());
                }
            }
        }
    }
}
