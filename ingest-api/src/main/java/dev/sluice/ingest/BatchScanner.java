package dev.sluice.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.JsonPolicy;
import dev.sluice.model.Rejection;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Utf8Check;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a batch body in one streaming pass under {@link JsonPolicy}: the envelope fields, and for
 * each event its exact bytes plus its top-level fields (nested values walked, not built). Events are
 * stored as the bytes the client sent, so the hot path neither builds nor re-writes a JSON tree per
 * event; the walk still sees every number, so one out of range refuses its event, not the request.
 */
final class BatchScanner {

    static final Rejection NUMBER_OUT_OF_RANGE = new Rejection("number_out_of_range",
            "a number is out of range: numbers must lie within the range of a double");

    /** Reads one value in the middle of the body: what follows it is the rest of the envelope, not trailing junk. */
    private static final ObjectReader VALUE_READER = JsonPolicy.mapper().reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonFactory FACTORY = JsonPolicy.factory();
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
        int invalid = Utf8Check.firstInvalid(body);
        if (invalid >= 0) {
            throw IngestException.badRequest("invalid_utf8", "request body is not valid UTF-8 (byte " + invalid + ")");
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
                    case "sentAt" -> sentAt = textOrSkip(p, value);
                    case "writeKey" -> writeKey = textOrSkip(p, value);
                    case "context" -> context = envelopeValue(p, field);
                    case "integrations" -> integrations = envelopeValue(p, field);
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

    /** A string field's text; any other value is skipped whole and reads as absent. */
    private static String textOrSkip(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** The envelope's context or integrations: merged into every event, so a bad number refuses the request. */
    private static JsonNode envelopeValue(JsonParser p, String field) throws IOException {
        JsonNode value;
        try {
            value = VALUE_READER.readTree(p);
        } catch (NumberFormatException | ArithmeticException e) {
            value = null;
        }
        if (value == null || !JsonPolicy.numbersInRange(value)) {
            throw IngestException.badRequest(NUMBER_OUT_OF_RANGE.code(), "the batch's " + field + " holds a number "
                    + "out of range: numbers must lie within the range of a double");
        }
        return value;
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
            events.add(t == JsonToken.START_OBJECT ? event(p, body, start, events.size()) : notAnObject(p, body, start));
        }
        return events;
    }

    private IncomingEvent event(JsonParser p, byte[] body, int start, int index) throws IOException {
        NumberFacts numbers = new NumberFacts();
        ObjectNode fields = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            fields.set(name, shallowValue(p, p.nextToken(), numbers));
        }
        int end = (int) p.currentLocation().getByteOffset();
        if (end - start > maxEventBytes) {
            throw IngestException.badRequest("payload_too_large", "Exceed payload limit: event " + index
                    + " of the batch is larger than " + maxEventBytes + " bytes");
        }
        byte[] json;
        if (fields.has("writeKey") && !numbers.outOfRange) {
            ObjectNode full = (ObjectNode) SegmentJson.parse(Arrays.copyOfRange(body, start, end));
            full.remove("writeKey"); // never stored
            json = SegmentJson.toBytes(full);
        } else {
            json = Arrays.copyOfRange(body, start, end);
        }
        return new IncomingEvent(fields, json, json.length, numbers.withExponent,
                numbers.outOfRange ? NUMBER_OUT_OF_RANGE : null);
    }

    /** Kept, wrapped, so the validator rejects it with a reason instead of it vanishing. */
    private static IncomingEvent notAnObject(JsonParser p, byte[] body, int start) throws IOException {
        NumberFacts numbers = new NumberFacts();
        walk(p, p.currentToken(), numbers);
        int end = (int) p.currentLocation().getByteOffset();
        byte[] raw = Arrays.copyOfRange(body, start, end);
        ObjectNode wrapper = NODES.objectNode();
        wrapper.set("value", numbers.outOfRange
                ? NODES.textNode(new String(raw, StandardCharsets.UTF_8)) : SegmentJson.parse(raw));
        return new IncomingEvent(wrapper, SegmentJson.toBytes(wrapper));
    }

    /** Scalars as they are; objects and arrays as empty stand-ins, their content walked for numbers. */
    private static JsonNode shallowValue(JsonParser p, JsonToken t, NumberFacts numbers) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                walk(p, t, numbers);
                yield NODES.objectNode();
            }
            case START_ARRAY -> {
                walk(p, t, numbers);
                yield NODES.arrayNode();
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> NODES.numberNode(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> numbers.check(p) ? NODES.numberNode(p.getDecimalValue()) : NODES.nullNode();
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            default -> NODES.nullNode();
        };
    }

    /** Reads to the end of the value at {@code t}, checking every float on the way. */
    private static void walk(JsonParser p, JsonToken t, NumberFacts numbers) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            numbers.check(p);
            return;
        }
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken next = p.nextToken();
            if (next == null) {
                throw IngestException.badRequest("invalid_json", "invalid JSON: unexpected end of input");
            } else if (next == JsonToken.START_OBJECT || next == JsonToken.START_ARRAY) {
                depth++;
            } else if (next == JsonToken.END_OBJECT || next == JsonToken.END_ARRAY) {
                depth--;
            } else if (next == JsonToken.VALUE_NUMBER_FLOAT) {
                numbers.check(p);
            }
        }
    }

    /** What the walk learned about an event's floats. */
    private static final class NumberFacts {
        int withExponent;
        boolean outOfRange;

        /** Whether the float at the parser is in range; only one with an exponent can be out of it. */
        boolean check(JsonParser p) throws IOException {
            if (!JsonPolicy.hasExponent(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
                return true;
            }
            withExponent++;
            boolean ok = JsonPolicy.numberInRange(p.getText());
            outOfRange |= !ok;
            return ok;
        }
    }
}
