package dev.sluice.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;

/**
 * The one JSON reading policy of Sluice: ingest-api refuses what it breaks and the router reads with
 * the same parser, so whatever ingest accepted the router can read. Limits sit far above what SDKs
 * send and far below what could hurt a process.
 */
public final class JsonPolicy {

    /** Nesting levels a request body, an {@code ingest.raw} envelope or a typed event may have. */
    public static final int MAX_DEPTH = 64;
    /** Envelope levels above each event (the envelope object and its {@code batch} array). */
    public static final int ENVELOPE_LEVELS = 2;
    /** A single-event body is stored two levels down, inside an envelope. */
    public static final int MAX_SINGLE_EVENT_DEPTH = MAX_DEPTH - ENVELOPE_LEVELS;
    /** Characters of one number as written; 100 digits is past any long, double or money amount. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** Characters of one field name. */
    public static final int MAX_NAME_LENGTH = 4096;
    /** Characters of one string value (a request is capped well below this anyway). */
    public static final int MAX_STRING_LENGTH = 1_000_000;

    private static final ObjectMapper MAPPER = mapper(MAX_DEPTH);
    private static final ObjectMapper SINGLE_EVENT_MAPPER = mapper(MAX_SINGLE_EVENT_DEPTH);

    private JsonPolicy() {
    }

    /** The mapper for request bodies, envelopes and typed events: floats kept exact as BigDecimal. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The mapper for a single-event body, two levels shallower so its envelope still fits the policy. */
    public static ObjectMapper singleEventMapper() {
        return SINGLE_EVENT_MAPPER;
    }

    public static JsonFactory factory() {
        return MAPPER.getFactory();
    }

    /**
     * Whether a number as written is one Sluice keeps: it must read as a BigDecimal (an exponent
     * past an int does not) and, unless zero, read as a finite, non-vanishing double, so every consumer
     * downstream (JavaScript included) reads a finite number.
     */
    public static boolean numberInRange(String text) {
        try {
            return inRange(new BigDecimal(text));
        } catch (NumberFormatException | ArithmeticException e) {
            return false;
        }
    }

    /** Whether every number in a tree read by {@link #mapper()} is {@link #numberInRange in range}. */
    public static boolean numbersInRange(JsonNode tree) {
        if (tree == null) {
            return true;
        }
        if (tree.isBigDecimal() || tree.isDouble() || tree.isFloat()) {
            return Double.isFinite(tree.doubleValue()) && inRange(tree.decimalValue());
        }
        if (tree.isContainerNode()) {
            for (JsonNode child : tree) {
                if (!numbersInRange(child)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Reads as a finite double, and as a non-zero one unless it is zero: nothing overflows or vanishes. */
    private static boolean inRange(BigDecimal value) {
        double d = value.doubleValue();
        return Double.isFinite(d) && (d != 0 || value.signum() == 0);
    }

    /**
     * Whether a float token needs the {@link #numberInRange} check: within the length limit only an
     * exponent can take a number out of range, and only an exponent makes it longer when re-written.
     */
    public static boolean hasExponent(char[] text, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = text[i];
            if (c == 'e' || c == 'E') {
                return true;
            }
        }
        return false;
    }

    private static ObjectMapper mapper(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // else a character outside the BMP is written as an escaped surrogate pair: three times
                // its size, and in a field name Jackson's own reader then refuses it
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .build();
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }
}
