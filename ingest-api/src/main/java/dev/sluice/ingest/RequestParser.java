package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventEnricher;
import dev.sluice.model.EventType;
import dev.sluice.model.JsonPolicy;
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
        if (!JsonPolicy.numbersInRange(root)) {
            throw IngestException.badRequest(BatchScanner.NUMBER_OUT_OF_RANGE.code(),
                    BatchScanner.NUMBER_OUT_OF_RANGE.message());
        }
        ObjectNode event = (ObjectNode) root;
        // the route's type is Sluice's addition, like its enrichment fields: not counted against the client's limit
        int added = event.has("type") ? 0 : EventEnricher.TYPE_FIELD_BYTES;
        event.put("type", type.wireName());
        JsonNode key = event.remove("writeKey"); // never stored
        String writeKey = key != null && key.isTextual() ? key.asText() : null;
        byte[] json = SegmentJson.toBytes(event);
        return new ParsedRequest(null, null, null, writeKey,
                List.of(new IncomingEvent(event, json, json.length - added, 0, null)));
    }

    private static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw IngestException.badRequest("invalid_json", "request body is empty");
        }
        JsonNode root;
        try {
            // stored two levels down in its envelope, so two levels shallower than a batch body
            root = SegmentJson.parseSingleEvent(body);
        } catch (SegmentJson.InvalidJsonException e) {
            throw IngestException.badRequest(e.code(), "invalid JSON: " + e.getMessage());
        }
        if (!root.isObject()) {
            throw IngestException.badRequest("invalid_json", "request body must be a JSON object");
        }
        return root;
    }
}
