package dev.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * Segment's per-event rules (WIRE.md §1.4), each failure with Segment's discard code where it has one.
 * Stateless: one instance may be shared.
 */
public final class EventValidator {

    /** Segment documents messageId as at most 100 characters. */
    public static final int MAX_MESSAGE_ID_LENGTH = 100;

    /**
     * Checks one event; {@code type} must already be set (routes fill it in from the path). An event
     * that passes can be enriched without error: its timestamps, and the clock-skew corrected
     * timestamp computed from them, all fall within {@link IsoInstant#MIN}–{@link IsoInstant#MAX}.
     *
     * @param receivedAt when the request arrived (millisecond precision, as stored)
     * @param envelopeSentAt the batch envelope's {@code sentAt} text, or null
     */
    public Optional<Rejection> validate(JsonNode event, Instant receivedAt, String envelopeSentAt) {
        if (event == null || !event.isObject()) {
            return reject("event_not_object", "each event must be a JSON object");
        }
        JsonNode typeNode = event.get("type");
        Optional<EventType> type = typeNode != null && typeNode.isTextual()
                ? EventType.fromWire(typeNode.asText()) : Optional.empty();
        if (type.isEmpty()) {
            return reject("invalid_type",
                    "type must be one of identify, track, page, screen, group, alias");
        }
        if (!isId(event.get("userId")) && !isId(event.get("anonymousId"))) {
            return reject("no_user_anon_id", "userId or anonymousId is required");
        }
        JsonNode messageId = event.get("messageId");
        if (messageId != null && !messageId.isNull()
                && (!messageId.isTextual() || messageId.asText().isEmpty()
                        || messageId.asText().length() > MAX_MESSAGE_ID_LENGTH)) {
            return reject("message_id_invalid", "messageId must be a non-empty string of at most 100 characters");
        }
        Optional<Instant> timestamp = IsoInstant.parse(event.get("timestamp"));
        Optional<Instant> originalTimestamp = IsoInstant.parse(event.get("originalTimestamp"));
        Optional<Instant> sentAt = IsoInstant.parse(event.get("sentAt"));
        Optional<Rejection> unreadable = unreadable(event, "timestamp", timestamp)
                .or(() -> unreadable(event, "originalTimestamp", originalTimestamp))
                .or(() -> unreadable(event, "sentAt", sentAt));
        if (unreadable.isPresent()) {
            return unreadable;
        }
        Instant corrected = EventEnricher.skewCorrected(receivedAt,
                sentAt.isPresent() ? sentAt : IsoInstant.parse(envelopeSentAt),
                originalTimestamp.isPresent() ? originalTimestamp : timestamp);
        if (!IsoInstant.inRange(corrected)) {
            return reject("invalid_timestamp", "the clock-skew corrected timestamp (receivedAt - (sentAt - "
                    + "originalTimestamp)) falls outside the years 0001-9999");
        }
        if (notObject(event.get("context"))) {
            return reject("context_not_object", "context must be an object");
        }
        if (notObject(event.get("integrations"))) {
            return reject("integrations_not_object", "integrations must be an object");
        }
        return switch (type.get()) {
            case TRACK -> validateTrack(event);
            case IDENTIFY -> notObject(event.get("traits"))
                    ? reject("traits_not_object", "traits must be an object") : Optional.empty();
            case PAGE, SCREEN -> validatePageOrScreen(event);
            case GROUP -> validateGroup(event);
            case ALIAS -> isId(event.get("previousId"))
                    ? Optional.empty() : reject("previous_id_required", "alias requires previousId");
        };
    }

    /** A timestamp field that is present but did not read as one in range. */
    private static Optional<Rejection> unreadable(JsonNode event, String field, Optional<Instant> parsed) {
        JsonNode ts = event.get(field);
        return ts != null && !ts.isNull() && parsed.isEmpty()
                ? reject("invalid_timestamp", field + " must be an ISO-8601 date-time in the years 0001-9999")
                : Optional.empty();
    }

    private static Optional<Rejection> validateTrack(JsonNode event) {
        JsonNode name = event.get("event");
        if (name == null || name.isNull()) {
            return reject("event_not_defined", "track requires event");
        }
        if (!name.isTextual() || name.asText().isBlank()) {
            return reject("event_not_string", "event must be a non-empty string");
        }
        return notObject(event.get("properties"))
                ? reject("properties_not_object", "properties must be an object") : Optional.empty();
    }

    private static Optional<Rejection> validatePageOrScreen(JsonNode event) {
        if (notNonEmptyString(event.get("name"))) {
            return reject("name_not_string", "name must be a non-empty string when present");
        }
        if (notNonEmptyString(event.get("category"))) {
            return reject("category_not_string", "category must be a non-empty string when present");
        }
        return notObject(event.get("properties"))
                ? reject("properties_not_object", "properties must be an object") : Optional.empty();
    }

    private static Optional<Rejection> validateGroup(JsonNode event) {
        if (!isId(event.get("groupId"))) {
            return reject("group_id_required", "group requires groupId");
        }
        return notObject(event.get("traits"))
                ? reject("traits_not_object", "traits must be an object") : Optional.empty();
    }

    /** SDKs may send ids as strings or numbers (analytics-node coerces numbers). */
    private static boolean isId(JsonNode node) {
        return node != null && ((node.isTextual() && !node.asText().isEmpty()) || node.isNumber());
    }

    private static boolean notObject(JsonNode node) {
        return node != null && !node.isNull() && !node.isObject();
    }

    private static boolean notNonEmptyString(JsonNode node) {
        return node != null && !node.isNull() && (!node.isTextual() || node.asText().isEmpty());
    }

    private static Optional<Rejection> reject(String code, String message) {
        return Optional.of(new Rejection(code, message));
    }
}
