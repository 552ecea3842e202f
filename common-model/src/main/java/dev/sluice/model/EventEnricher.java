package dev.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

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
        return enrich(event, envelope, () -> fallbackMessageId);
    }

    /** Like {@link #enrich(ObjectNode, RawEnvelope, String)}, the fallback id made only when needed. */
    public ObjectNode enrich(ObjectNode event, RawEnvelope envelope, Supplier<String> fallbackMessageId) {
        event.remove("writeKey");
        mergeInto(event, "context", envelope.context());
        mergeInto(event, "integrations", envelope.integrations());
        event.put("projectId", envelope.projectId());
        JsonNode messageId = event.get("messageId");
        if (messageId == null || !messageId.isTextual() || messageId.asText().isEmpty()) {
            event.put("messageId", fallbackMessageId.get());
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

    /** {@code ,"receivedAt":"2024-01-01T00:00:00.000Z"} and its three siblings, the longest name included. */
    private static final int TIMESTAMP_FIELDS_BYTES = 4 * (",\"originalTimestamp\":".length() + 26);
    /** {@code ,"type":"identify"}: the type a single-event route adds to what the client sent. */
    public static final int TYPE_FIELD_BYTES = ",\"type\":\"identify\"".length();
    /** {@code ,"messageId":"sluice-<uuid>"}. */
    private static final int MESSAGE_ID_FIELD_BYTES = ",\"messageId\":".length() + 2 + 43;
    /** Growth of a float written with an exponent once re-written from BigDecimal ("1e-6" → "0.000001"). */
    private static final int EXPONENT_NUMBER_GROWTH = 8;

    /**
     * An upper bound of the client's part of an enriched event: the event as stored with the envelope's
     * context and integrations merged in. This is what the per-event limit applies to; ingest-api
     * refuses what would break it instead of the router finding out later. Re-writing never lengthens
     * strings or plain numbers; a float with an exponent grows by at most {@link #EXPONENT_NUMBER_GROWTH}.
     *
     * @param eventBytes the event as stored in {@code ingest.raw}
     * @param exponentNumbers how many floats in it are written with an exponent
     * @param contextBytes the envelope's {@code context} as stored (0 when none)
     * @param integrationsBytes the envelope's {@code integrations} as stored (0 when none)
     */
    public static int maxMergedBytes(int eventBytes, int exponentNumbers, int contextBytes, int integrationsBytes) {
        int size = eventBytes + exponentNumbers * EXPONENT_NUMBER_GROWTH;
        size += contextBytes == 0 ? 0 : ",\"context\":".length() + contextBytes;
        size += integrationsBytes == 0 ? 0 : ",\"integrations\":".length() + integrationsBytes;
        return size;
    }

    /**
     * An upper bound of what Sluice's own fields add: projectId, messageId, four timestamps,
     * context.ip, and the type of a single-event route.
     */
    public static int maxAddedBytes(String projectId, String ip) {
        int size = TYPE_FIELD_BYTES + ",\"projectId\":".length() + quotedLength(projectId);
        size += MESSAGE_ID_FIELD_BYTES + TIMESTAMP_FIELDS_BYTES;
        size += ip == null ? 0 : ",\"context\":{\"ip\":}".length() + 1 + quotedLength(ip);
        return size;
    }

    private static int quotedLength(String text) {
        return SegmentJson.toBytes(TextNode.valueOf(text)).length;
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
