package dev.sluice.router;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventEnricher;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.JsonPolicy;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link EventEnricher}'s rules applied while copying an event's stored bytes token by token, so no
 * JSON tree is built per event: the output reads back as the same tree the tree enricher gives
 * (checked by a differential test), with {@code originalTimestamp} and {@code timestamp} written last.
 * Collects the event's top-level fields on the way (nested values as empty stand-ins) for
 * {@link dev.sluice.model.EventValidator}, which reads nothing deeper. One instance per thread.
 */
final class StreamingEnricher {

    private static final ObjectMapper MAPPER = JsonPolicy.mapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * What every event of one raw record gets.
     *
     * @param context the envelope's context when it is a non-empty object (else nothing is merged), or null
     * @param integrations likewise
     * @param sentAtText the envelope's sentAt as sent, or null
     * @param sentAt the envelope's sentAt, when it reads as a timestamp
     */
    record Envelope(String projectId, Instant receivedAt, String receivedAtText, String sentAtText,
                    Optional<Instant> sentAt, String ip, ObjectNode context, ObjectNode integrations) {

        static Envelope of(String projectId, Instant receivedAt, String sentAt, String ip, JsonNode context,
                           JsonNode integrations) {
            return new Envelope(projectId, receivedAt, IsoInstant.format(receivedAt), sentAt, IsoInstant.parse(sentAt), ip,
                    mergeable(context), mergeable(integrations));
        }

        private static ObjectNode mergeable(JsonNode value) {
            return value instanceof ObjectNode o && !o.isEmpty() ? o : null;
        }
    }

    /**
     * One event copied: its top-level fields as sent (for validation) and the enriched bytes (only
     * meaningful when the event is valid).
     */
    record Copied(ObjectNode fields, byte[] bytes, String messageId) {
    }

    private final ByteArrayBuilder buffer = new ByteArrayBuilder(1024);
    private JsonGenerator generator;

    /**
     * Copies the event whose {@code START_OBJECT} the parser is at, leaving the parser at its
     * {@code END_OBJECT}.
     */
    Copied copy(JsonParser p, Envelope env, Supplier<String> fallbackMessageId) throws IOException {
        buffer.reset();
        ObjectNode fields = NODES.objectNode();
        String messageId = null;
        String originalText = null;
        String timestampText = null;
        Optional<Instant> sentAt = null;
        boolean context = false;
        boolean integrations = false;
        boolean projectId = false;
        boolean receivedAt = false;
        JsonGenerator g = generator();
        boolean written = false;
        try {
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                fields.set(name, shallow(p, t));
                switch (name) {
                    case "writeKey" -> skip(p, t); // never published
                    case "context" -> {
                        context = true;
                        g.writeFieldName(name);
                        merged(p, g, t, env.context(), env.ip());
                    }
                    case "integrations" -> {
                        integrations = true;
                        g.writeFieldName(name);
                        merged(p, g, t, env.integrations(), null);
                    }
                    case "projectId" -> {
                        projectId = true;
                        skip(p, t);
                        g.writeStringField(name, env.projectId());
                    }
                    case "messageId" -> {
                        if (t == JsonToken.VALUE_STRING && p.getTextLength() > 0) {
                            messageId = p.getText();
                        } else {
                            skip(p, t);
                            messageId = fallbackMessageId.get();
                        }
                        g.writeStringField(name, messageId);
                    }
                    case "receivedAt" -> {
                        receivedAt = true;
                        skip(p, t);
                        g.writeStringField(name, env.receivedAtText());
                    }
                    case "sentAt" -> {
                        // a per-event sentAt overrides the envelope's
                        Optional<Instant> own = t == JsonToken.VALUE_STRING ? IsoInstant.parse(p.getText()) : Optional.empty();
                        sentAt = own.or(env::sentAt);
                        if (sentAt.isPresent()) {
                            skip(p, t);
                            g.writeStringField(name, IsoInstant.format(sentAt.get()));
                        } else {
                            g.writeFieldName(name);
                            copyValue(p, g, t);
                        }
                    }
                    // written last, once both are known
                    case "originalTimestamp" -> originalText = textOrSkip(p, t);
                    case "timestamp" -> timestampText = textOrSkip(p, t);
                    default -> {
                        g.writeFieldName(name);
                        copyValue(p, g, t);
                    }
                }
            }
            if (!context && (env.context() != null || env.ip() != null)) {
                g.writeFieldName("context");
                merged(null, g, JsonToken.VALUE_NULL, env.context(), env.ip());
            }
            if (!integrations && env.integrations() != null) {
                g.writeFieldName("integrations");
                merged(null, g, JsonToken.VALUE_NULL, env.integrations(), null);
            }
            if (!projectId) {
                g.writeStringField("projectId", env.projectId());
            }
            if (messageId == null) {
                messageId = fallbackMessageId.get();
                g.writeStringField("messageId", messageId);
            }
            if (!receivedAt) {
                g.writeStringField("receivedAt", env.receivedAtText());
            }
            if (sentAt == null) {
                sentAt = env.sentAt();
                if (sentAt.isPresent()) {
                    g.writeStringField("sentAt", IsoInstant.format(sentAt.get()));
                }
            }
            String timestamp = timestampText;
            Optional<Instant> original = IsoInstant.parse(originalText).or(() -> IsoInstant.parse(timestamp));
            g.writeStringField("originalTimestamp", IsoInstant.format(original.orElse(env.receivedAt())));
            g.writeStringField("timestamp", IsoInstant.format(
                    EventEnricher.skewCorrected(env.receivedAt(), sentAt, original)));
            g.writeEndObject();
            g.flush();
            written = true;
        } finally {
            if (!written) { // left inside the event: the next one gets a fresh generator
                generator = null;
            }
        }
        return new Copied(fields, buffer.toByteArray(), messageId);
    }

    /**
     * One generator for all events, each written as a root value with no separator: creating and
     * closing one per event cost about 5 % of the stream thread.
     */
    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            generator = MAPPER.getFactory().createGenerator(buffer);
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    /**
     * The event's context or integrations with the envelope's filled in where the event's own lacks a
     * key, the event's keys winning; for context, {@code ip} set when absent, null or empty. A value
     * that is neither an object nor null is copied as it is (the validator refuses the event).
     *
     * @param t the event's value, {@code VALUE_NULL} also when the event has none
     */
    private static void merged(JsonParser p, JsonGenerator g, JsonToken t, ObjectNode envelope, String ip)
            throws IOException {
        if (t == JsonToken.START_OBJECT) {
            Set<String> own = envelope == null ? null : new HashSet<>();
            boolean hasIp = false;
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (own != null) {
                    own.add(name);
                }
                if (ip != null && name.equals("ip")) {
                    hasIp = true;
                    if (v == JsonToken.VALUE_NULL || (v == JsonToken.VALUE_STRING && p.getTextLength() == 0)) {
                        g.writeStringField(name, ip);
                        continue;
                    }
                }
                g.writeFieldName(name);
                copyValue(p, g, v);
            }
            hasIp |= missingFrom(own, envelope, g, ip);
            if (ip != null && !hasIp) {
                g.writeStringField("ip", ip);
            }
            g.writeEndObject();
        } else if (t == JsonToken.VALUE_NULL && (envelope != null || ip != null)) {
            g.writeStartObject();
            if (!missingFrom(Set.of(), envelope, g, ip) && ip != null) {
                g.writeStringField("ip", ip);
            }
            g.writeEndObject();
        } else if (p == null) {
            g.writeNull();
        } else {
            copyValue(p, g, t);
        }
    }

    /** Writes the envelope's entries whose keys are not in {@code own}; whether one of them was {@code ip}. */
    private static boolean missingFrom(Set<String> own, ObjectNode envelope, JsonGenerator g, String ip)
            throws IOException {
        if (envelope == null) {
            return false;
        }
        boolean hasIp = false;
        Iterator<Map.Entry<String, JsonNode>> it = envelope.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (own.contains(e.getKey())) {
                continue;
            }
            JsonNode v = e.getValue();
            if (ip != null && e.getKey().equals("ip")) {
                hasIp = true;
                if (v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                    g.writeStringField("ip", ip);
                    continue;
                }
            }
            g.writeFieldName(e.getKey());
            MAPPER.writeTree(g, v);
        }
        return hasIp;
    }

    private static String textOrSkip(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        skip(p, t);
        return null;
    }

    /**
     * Reads past the value at {@code t} as the tree codec would: a float whose exponent makes it
     * unreadable throws here as it does there (only an exponent can, within the length limit).
     */
    static void skip(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            if (JsonPolicy.hasExponent(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
                asTree(p.getDecimalValue());
            }
            return;
        }
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken next = p.nextToken();
            if (next == JsonToken.START_OBJECT || next == JsonToken.START_ARRAY) {
                depth++;
            } else if (next == JsonToken.END_OBJECT || next == JsonToken.END_ARRAY) {
                depth--;
            } else if (next == JsonToken.VALUE_NUMBER_FLOAT) {
                skip(p, next);
            }
        }
    }

    /**
     * A top-level value as the validator sees it: scalars as they are, objects and arrays as empty
     * stand-ins. Reads nothing past the current token.
     */
    private static JsonNode shallow(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> NODES.objectNode();
            case START_ARRAY -> NODES.arrayNode();
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(asTree(p.getDecimalValue()));
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            default -> NODES.nullNode();
        };
    }

    /** Copies the value at {@code t}, numbers written as the tree codec writes them. */
    static void copyValue(JsonParser p, JsonGenerator g, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    g.writeFieldName(p.currentName());
                    copyValue(p, g, p.nextToken());
                }
                g.writeEndObject();
            }
            case START_ARRAY -> {
                g.writeStartArray();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    copyValue(p, g, next);
                }
                g.writeEndArray();
            }
            case VALUE_STRING -> g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case VALUE_NUMBER_INT -> {
                switch (p.getNumberType()) {
                    case INT -> g.writeNumber(p.getIntValue());
                    case LONG -> g.writeNumber(p.getLongValue());
                    default -> g.writeNumber(p.getBigIntegerValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> copyFloat(p, g);
            case VALUE_TRUE -> g.writeBoolean(true);
            case VALUE_FALSE -> g.writeBoolean(false);
            case VALUE_NULL -> g.writeNull();
            default -> throw new IllegalStateException("unexpected token " + t);
        }
    }

    /**
     * The tree codec reads a float as a BigDecimal without trailing zeros and writes its
     * {@code toString()}. For the common form (no exponent, a non-zero integer part, no trailing
     * zero) that is the text as sent, copied without building the BigDecimal.
     */
    private static void copyFloat(JsonParser p, JsonGenerator g) throws IOException {
        char[] text = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        if (plainAsWritten(text, offset, length)) {
            g.writeNumber(text, offset, length);
        } else {
            g.writeNumber(asTree(p.getDecimalValue()));
        }
    }

    private static boolean plainAsWritten(char[] text, int offset, int length) {
        int first = text[offset] == '-' ? offset + 1 : offset;
        if (text[first] == '0' || text[offset + length - 1] == '0') {
            return false;
        }
        return !JsonPolicy.hasExponent(text, offset, length);
    }

    /** What Jackson's tree keeps of a float (its {@code STRIP_TRAILING_BIGDECIMAL_ZEROES} default). */
    static BigDecimal asTree(BigDecimal value) {
        return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }
}
