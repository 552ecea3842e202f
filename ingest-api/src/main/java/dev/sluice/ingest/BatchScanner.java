package dev.sluice.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.SegmentJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a batch body in one streaming pass: the envelope fields, and for each event its exact bytes
 * plus its top-level fields (nested objects skipped, not built). Events are stored as the bytes the
 * client sent, so the hot path neither builds nor re-writes a JSON tree per event.
 */
final class BatchScanner {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final int maxEventBytes;
    private final int maxBatchEvents;

    BatchScanner(int maxEventBytes, int maxBatchEvents) {
        this.maxEventBytes = maxEventBytes;
        this.maxBatchEvents = maxBatchEvents;
    }

    ParsedRequest scan(byte[] body) {
        if (body.length == 0) {
            throw IngestException.badRequest("invalid_json", "request body is empty");
        }
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw IngestException.badRequest("invalid_json", "request body must be a JSON object");
            }
            String sentAt = null;
            String writeKey = null;
            JsonNode context = null;
            JsonNode integrations = null;
            List<IncomingEvent> events = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "batch" -> events = events(p, body);
                    case "sentAt" -> sentAt = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "writeKey" -> writeKey = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "context" -> context = MAPPER.readTree(p);
                    case "integrations" -> integrations = MAPPER.readTree(p);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw IngestException.badRequest("invalid_json", "invalid JSON: trailing content after the object");
            }
            if (events == null) {
                throw IngestException.badRequest("invalid_batch", "batch must be an array of events");
            }
            if (events.isEmpty()) {
                throw IngestException.badRequest("empty_batch", "batch is empty");
            }
            if (writeKey == null || writeKey.isEmpty()) {
                JsonNode first = events.get(0).fields().get("writeKey");
                writeKey = first != null && first.isTextual() ? first.asText() : null;
            }
            return new ParsedRequest(sentAt, context, integrations, writeKey, events);
        } catch (JsonProcessingException e) {
            throw IngestException.badRequest("invalid_json", "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw IngestException.badRequest("unreadable_body", "request body could not be read: " + e.getMessage());
        }
    }

    private List<IncomingEvent> events(JsonParser p, byte[] body) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw IngestException.badRequest("invalid_batch", "batch must be an array of events");
        }
        List<IncomingEvent> events = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (events.size() == maxBatchEvents) {
                throw IngestException.badRequest("batch_too_large",
                        "batch has more than " + maxBatchEvents + " events; at most " + maxBatchEvents + " are allowed");
            }
            int start = (int) p.currentTokenLocation().getByteOffset();
            if (t != JsonToken.START_OBJECT) {
                // kept so the validator rejects it with a reason instead of it vanishing
                ObjectNode wrapper = NODES.objectNode();
                wrapper.set("value", MAPPER.readTree(p));
                events.add(new IncomingEvent(wrapper, SegmentJson.toBytes(wrapper)));
                continue;
            }
            ObjectNode fields = NODES.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                fields.set(name, shallowValue(p, p.nextToken()));
            }
            int end = (int) p.currentLocation().getByteOffset();
            if (end - start > maxEventBytes) {
                throw IngestException.badRequest("payload_too_large", "Exceed payload limit: event " + events.size()
                        + " of the batch is larger than " + maxEventBytes + " bytes");
            }
            byte[] json;
            if (fields.has("writeKey")) {
                ObjectNode full = (ObjectNode) SegmentJson.parse(Arrays.copyOfRange(body, start, end));
                full.remove("writeKey"); // never stored
                json = SegmentJson.toBytes(full);
            } else {
                json = Arrays.copyOfRange(body, start, end);
            }
            events.add(new IncomingEvent(fields, json));
        }
        return events;
    }

    /** Scalars as they are; objects and arrays as empty stand-ins, their content skipped. */
    private static JsonNode shallowValue(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                p.skipChildren();
                yield NODES.objectNode();
            }
            case START_ARRAY -> {
                p.skipChildren();
                yield NODES.arrayNode();
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            default -> NODES.nullNode();
        };
    }
}
