package dev.sluice.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON codec for Segment payloads: a tree model, so unknown fields SDKs send
 * ({@code _metadata}, {@code context.instanceId}, …) survive every hop unchanged.
 */
public final class SegmentJson {

    private static final ObjectMapper MAPPER = JsonPolicy.mapper();

    private SegmentJson() {
    }

    public static ObjectNode newObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * Parses bytes into a tree under {@link JsonPolicy}; throws {@link InvalidJsonException} with a
     * message fit for a client.
     */
    public static JsonNode parse(byte[] bytes) {
        return parse(bytes, MAPPER);
    }

    /** Parses a single-event body: {@link JsonPolicy#MAX_SINGLE_EVENT_DEPTH} levels at most. */
    public static JsonNode parseSingleEvent(byte[] bytes) {
        return parse(bytes, JsonPolicy.singleEventMapper());
    }

    private static JsonNode parse(byte[] bytes, ObjectMapper mapper) {
        int invalid = Utf8Check.firstInvalid(bytes);
        if (invalid >= 0) {
            throw new InvalidJsonException("invalid_utf8", "invalid UTF-8 at byte " + invalid);
        }
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new InvalidJsonException("invalid_json", "empty body");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException("invalid_json", e.getOriginalMessage());
        } catch (NumberFormatException | ArithmeticException e) {
            // Jackson reads a float into BigDecimal lazily and lets this escape (1e9999999999)
            throw new InvalidJsonException("number_out_of_range", "number out of range: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] toBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    public static String toString(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Thrown when a payload is not JSON Sluice reads; {@code code} is the client-facing error code. */
    public static final class InvalidJsonException extends RuntimeException {
        private final String code;

        public InvalidJsonException(String message) {
            this("invalid_json", message);
        }

        public InvalidJsonException(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
