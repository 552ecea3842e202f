package dev.sluice.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
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

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static {
        // payloads are capped by the ingest limits long before these; keep Jackson's guards sane
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(200).build());
    }

    private SegmentJson() {
    }

    public static ObjectNode newObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Parses bytes into a tree; throws {@link InvalidJsonException} with a message fit for a client. */
    public static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new InvalidJsonException("empty body");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(e.getOriginalMessage());
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

    /** Thrown when a payload is not JSON. */
    public static final class InvalidJsonException extends RuntimeException {
        public InvalidJsonException(String message) {
            super(message);
        }
    }
}
