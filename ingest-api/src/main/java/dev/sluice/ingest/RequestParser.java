package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventType;
import dev.sluice.model.SegmentJson;
import java.util.List;

/**
 * Turns a decoded body into events: a single-event route's body is the event (its type comes from
 * the route); a batch route's body is the envelope, read by {@link BatchScanner}. Enforces the
 * per-event and per-batch limits.
 */
public final class RequestParser {

    private final int maxEventBytes;
    private final BatchScanner batches;

    public RequestParser(int maxEventBytes, int maxBatchEvents) {
        this.maxEventBytes = maxEventBytes;
        this.batches = new BatchScanner(maxEventBytes, maxBatchEvents);
    }

    /** A batch body ({@code /v1/batch}, {@code /v1/import}, {@code /v1/b}). */
    public ParsedRequest parseBatch(byte[] body) {
        return batches.scan(body);
    }

    /** A single-event body; its {@code type} becomes the route's. */
    public ParsedRequest parseSingle(byte[] body, EventType type) {
        if (body.length > maxEventBytes) {
            throw IngestException.badRequest("payload_too_large",
                    "Exceed payload limit: event is larger than " + maxEventBytes + " bytes");
        }
        JsonNode root = parseObject(body);
        ObjectNode event = (ObjectNode) root;
        event.put("type", type.wireName());
        JsonNode key = event.remove("writeKey"); // never stored
        String writeKey = key != null && key.isTextual() ? key.asText() : null;
        return new ParsedRequest(null, null, null, writeKey, List.of(new IncomingEvent(event, SegmentJson.toBytes(event))));
    }

    private static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw IngestException.badRequest("invalid_json", "request body is empty");
        }
        JsonNode root;
        try {
            root = SegmentJson.parse(body);
        } catch (SegmentJson.InvalidJsonException e) {
            throw IngestException.badRequest("invalid_json", "invalid JSON: " + e.getMessage());
        }
        if (!root.isObject()) {
            throw IngestException.badRequest("invalid_json", "request body must be a JSON object");
        }
        return root;
    }
}
