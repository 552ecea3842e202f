package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventType;
import dev.sluice.model.SegmentJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a decoded body into events: a single-event route's body is the event (its type comes from
 * the route), a batch route's body is the envelope. Enforces the per-event and per-batch limits.
 */
public final class RequestParser {

    private final int maxEventBytes;
    private final int maxBatchEvents;

    public RequestParser(int maxEventBytes, int maxBatchEvents) {
        this.maxEventBytes = maxEventBytes;
        this.maxBatchEvents = maxBatchEvents;
    }

    /** Parses bytes as a JSON object; 400 otherwise. */
    public JsonNode parseJson(byte[] body) {
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

    /**
     * @param singleType the route's type for single-event routes; empty for batch routes
     * @param bodyBytes the decoded body's size: when it is within the event limit no event can exceed it
     */
    public ParsedRequest parse(JsonNode root, Optional<EventType> singleType, int bodyBytes) {
        if (singleType.isPresent()) {
            ObjectNode event = (ObjectNode) root;
            event.put("type", singleType.get().wireName());
            if (bodyBytes > maxEventBytes) {
                throw IngestException.badRequest("payload_too_large",
                        "Exceed payload limit: event is larger than " + maxEventBytes + " bytes");
            }
            return new ParsedRequest(null, null, null, List.of(event));
        }
        JsonNode batch = root.get("batch");
        if (batch == null || !batch.isArray()) {
            throw IngestException.badRequest("invalid_batch", "batch must be an array of events");
        }
        if (batch.isEmpty()) {
            throw IngestException.badRequest("empty_batch", "batch is empty");
        }
        if (batch.size() > maxBatchEvents) {
            throw IngestException.badRequest("batch_too_large",
                    "batch has " + batch.size() + " events; at most " + maxBatchEvents + " are allowed");
        }
        List<ObjectNode> events = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            JsonNode item = batch.get(i);
            if (item instanceof ObjectNode event) {
                if (bodyBytes > maxEventBytes && serializedSize(event) > maxEventBytes) {
                    throw IngestException.badRequest("payload_too_large", "Exceed payload limit: event " + i
                            + " of the batch is larger than " + maxEventBytes + " bytes");
                }
                events.add(event);
            } else {
                // kept so the validator rejects it with a reason instead of it vanishing
                ObjectNode wrapper = SegmentJson.newObject();
                wrapper.set("value", item);
                events.add(wrapper);
            }
        }
        return new ParsedRequest(text(root.get("sentAt")), root.get("context"), root.get("integrations"), events);
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static int serializedSize(JsonNode event) {
        return SegmentJson.toBytes(event).length;
    }
}
