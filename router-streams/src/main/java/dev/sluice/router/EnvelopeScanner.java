package dev.sluice.router;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventEnricher;
import dev.sluice.model.EventValidator;
import dev.sluice.model.FallbackMessageIds;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.JsonPolicy;
import dev.sluice.model.Rejection;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Utf8Check;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@code ingest.raw} record in a single streaming pass and decides each of its events:
 * validated, enriched by {@link StreamingEnricher}, routed or rejected with the reason. Reads what
 * {@link dev.sluice.model.RawEnvelope#parse} reads and refuses what it refuses, with the same messages,
 * but builds no tree per event. One instance per thread.
 */
final class EnvelopeScanner {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeScanner.class);
    /** Reads one value in the middle of the record: what follows is the rest of the envelope. */
    private static final ObjectReader VALUE_READER = JsonPolicy.mapper().reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What becomes of one event. */
    sealed interface Outcome permits Routed, Rejected {
    }

    /** A valid event, enriched. */
    record Routed(String type, String messageId, byte[] value) implements Outcome {
    }

    /**
     * An event rejected with its reason; {@code type} is its type when it names one as text, else
     * {@code "invalid"} (for metrics).
     */
    record Rejected(Rejection why, byte[] value, String type) implements Outcome {
    }

    /** A raw record read: its project and what became of each event, in batch order. */
    record Split(String projectId, Instant receivedAt, List<Outcome> events) {
    }

    private final int maxEventBytes;
    private final EventValidator validator = new EventValidator();
    private final StreamingEnricher enricher = new StreamingEnricher();

    EnvelopeScanner(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Splits one raw record.
     *
     * @param origin where the record sits ({@code topic/partition/offset}): events without a messageId
     *               get one derived from it, so a re-run over the same records gives the same ids
     * @throws IllegalArgumentException saying what is wrong when the record is not an envelope at all
     */
    Split scan(byte[] raw, String origin) {
        int invalid = Utf8Check.firstInvalid(raw);
        if (invalid >= 0) {
            throw notJson("invalid UTF-8 at byte " + invalid);
        }
        try (JsonParser p = JsonPolicy.factory().createParser(raw)) {
            return scan(p, raw, origin);
        } catch (JsonProcessingException e) {
            throw notJson(e.getOriginalMessage());
        } catch (NumberFormatException | ArithmeticException e) {
            // Jackson reads a float into BigDecimal lazily and lets this escape (1e9999999999)
            throw notJson("number out of range: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Split scan(JsonParser p, byte[] raw, String origin) throws IOException {
        JsonToken root = p.nextToken();
        if (root == null) {
            throw notJson("empty body");
        }
        if (root != JsonToken.START_OBJECT) {
            StreamingEnricher.skip(p, root);
            noTrailingTokens(p);
            throw new IllegalArgumentException("raw record is not a JSON object");
        }
        Head head = new Head();
        List<int[]> ranges = null; // each event's [start, end) in the record
        List<Outcome> inline = null; // decided on the way when the head came before the batch
        boolean headAfterBatch = false;
        boolean batchIsArray = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            boolean headField = true;
            switch (field) {
                case "projectId" -> head.projectId = text(p, t);
                case "receivedAt" -> head.receivedAt = text(p, t);
                case "sentAt" -> head.sentAt = text(p, t);
                case "ip" -> head.ip = text(p, t);
                case "context" -> head.context = VALUE_READER.readTree(p);
                case "integrations" -> head.integrations = VALUE_READER.readTree(p);
                case "batch" -> {
                    headField = false;
                    batchIsArray = t == JsonToken.START_ARRAY;
                    ranges = new ArrayList<>();
                    if (!batchIsArray) {
                        StreamingEnricher.skip(p, t);
                    } else if (head.complete()) {
                        inline = batch(p, raw, origin, head.envelope(), ranges);
                    } else {
                        batch(p, raw, origin, null, ranges);
                    }
                }
                default -> {
                    headField = false;
                    StreamingEnricher.skip(p, t);
                }
            }
            headAfterBatch |= headField && ranges != null;
        }
        noTrailingTokens(p);
        // RawEnvelope.parse's checks, in its order
        if (head.projectId == null || head.projectId.isEmpty()) {
            throw new IllegalArgumentException("raw record has no projectId");
        }
        if (IsoInstant.parse(head.receivedAt).isEmpty()) {
            throw new IllegalArgumentException("raw record has no valid receivedAt");
        }
        if (!batchIsArray) {
            throw new IllegalArgumentException("raw record has no batch array");
        }
        if (inline != null && !headAfterBatch) {
            return new Split(head.projectId, IsoInstant.parse(head.receivedAt).orElseThrow(), inline);
        }
        // the head was not all known when the batch went by: read each event again
        StreamingEnricher.Envelope env = head.envelope();
        List<Outcome> events = new ArrayList<>(ranges.size());
        for (int[] range : ranges) {
            try (JsonParser again = JsonPolicy.factory().createParser(raw, range[0], range[1] - range[0])) {
                // this parser counts from the event's start
                events.add(event(again, again.nextToken(), raw, origin, env, events.size(), range, range[0]));
            }
        }
        return new Split(head.projectId, env.receivedAt(), events);
    }

    /** Reads the batch array; decides each event when {@code env} is known, else only notes where it is. */
    private List<Outcome> batch(JsonParser p, byte[] raw, String origin, StreamingEnricher.Envelope env,
                                List<int[]> ranges) throws IOException {
        List<Outcome> events = env == null ? null : new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int[] range = {(int) p.currentTokenLocation().getByteOffset(), 0};
            if (env == null) {
                StreamingEnricher.skip(p, t);
            } else {
                events.add(event(p, t, raw, origin, env, ranges.size(), range, 0));
            }
            range[1] = (int) p.currentLocation().getByteOffset();
            ranges.add(range);
        }
        return events;
    }

    /**
     * Decides one event; {@code range[0]} is where it starts in {@code raw}, {@code range[1]} is set to
     * where it ends; {@code base} is where the parser's byte count starts.
     */
    private Outcome event(JsonParser p, JsonToken t, byte[] raw, String origin, StreamingEnricher.Envelope env,
                          int index, int[] range, int base) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            JsonNode value = VALUE_READER.readTree(p);
            range[1] = base + (int) p.currentLocation().getByteOffset();
            Rejection why = validator.validate(value, env.receivedAt(), null).orElseThrow();
            return new Rejected(why, SegmentJson.toBytes(value), "invalid");
        }
        StreamingEnricher.Copied copied = enricher.copy(p, env,
                () -> FallbackMessageIds.of(env.projectId(), origin, index));
        range[1] = base + (int) p.currentLocation().getByteOffset();
        ObjectNode fields = copied.fields();
        JsonNode typeNode = fields.get("type");
        String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : "invalid";
        try {
            Optional<Rejection> problem = validator.validate(fields, env.receivedAt(), env.sentAtText());
            if (problem.isPresent()) {
                return new Rejected(problem.get(), asSent(raw, range), type);
            }
            byte[] routed = copied.bytes();
            // what the envelope adds is never negative, so only an event over the bare limit needs it sized:
            // sizing it serialises the projectId and ip, ~5 % of the stream thread when done for every event
            if (routed.length > maxEventBytes) {
                int limit = maxEventBytes + EventEnricher.maxAddedBytes(env.projectId(), env.ip());
                if (routed.length > limit) {
                    return new Rejected(new Rejection("payload_too_large", "with the envelope merged in, this event is "
                            + routed.length + " bytes, more than " + limit), routed, type);
                }
            }
            return new Routed(type, copied.messageId(), routed);
        } catch (RuntimeException e) {
            // validation guarantees enrichment cannot fail; should a bug prove otherwise, only this event pays
            LOG.error("event=event_processing_failed project={} origin={} index={} error=\"{}\"",
                    env.projectId(), origin, index, e.toString(), e);
            return new Rejected(new Rejection("processing_failed", "the router could not process this event: " + e),
                    asSent(raw, range), type);
        }
    }

    /** A rejected event as the tree codec writes it (rejections are rare; this is not the hot path). */
    private static byte[] asSent(byte[] raw, int[] range) {
        try {
            return SegmentJson.toBytes(JsonPolicy.mapper().readTree(raw, range[0], range[1] - range[0]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        StreamingEnricher.skip(p, t);
        return null;
    }

    private static void noTrailingTokens(JsonParser p) throws IOException {
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw notJson("Trailing token (of type " + trailing + ") found after value (bound as "
                    + "`com.fasterxml.jackson.databind.JsonNode`): not allowed as per "
                    + "`DeserializationFeature.FAIL_ON_TRAILING_TOKENS`");
        }
    }

    private static IllegalArgumentException notJson(String why) {
        return new IllegalArgumentException("raw record is not JSON: " + why);
    }

    /** The envelope's own fields, as far as read. */
    private static final class Head {
        String projectId;
        String receivedAt;
        String sentAt;
        String ip;
        JsonNode context;
        JsonNode integrations;

        boolean complete() {
            return projectId != null && !projectId.isEmpty() && IsoInstant.parse(receivedAt).isPresent();
        }

        StreamingEnricher.Envelope envelope() {
            return StreamingEnricher.Envelope.of(projectId, IsoInstant.parse(receivedAt).orElseThrow(), sentAt, ip,
                    context, integrations);
        }
    }
}
