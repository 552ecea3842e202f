package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventEnricher;
import dev.sluice.model.EventValidator;
import dev.sluice.model.FallbackMessageIds;
import dev.sluice.model.RawEnvelope;
import dev.sluice.model.Rejection;
import dev.sluice.model.SegmentJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming scanner against the tree path it replaced (RawEnvelope.parse, EventValidator,
 * EventEnricher on an ObjectNode, SegmentJson.toBytes), kept here as the reference: over generated
 * hostile envelopes and hand-made edge cases, both must route or reject the same events, with the same
 * reasons and the same JSON (compared as trees; field order may differ).
 */
class EnvelopeScannerDifferentialTest {

    private static final int MAX_EVENT_BYTES = 32 * 1024;
    private static final String ORIGIN = "ingest.raw/1/42";
    private static final JsonFactory LENIENT = new JsonFactory();
    /** One for all records, as in a stream task: nothing of one record may leak into the next. */
    private static final EnvelopeScanner SCANNER = new EnvelopeScanner(MAX_EVENT_BYTES);

    private static final String[] PROJECTS = {"\"projectId\":\"p-1\"", "\"projectId\":\"ünï-😀\"", "\"projectId\":\"\"",
        "\"projectId\":7", ""};
    private static final String[] RECEIVED = {"\"receivedAt\":\"2026-11-29T10:00:00.123Z\"",
        "\"receivedAt\":\"2026-11-29T10:00:00.5+02:00\"", "\"receivedAt\":\"yesterday\"", ""};
    private static final String[] SENT = {"\"sentAt\":\"2026-11-29T10:00:01.000Z\"", "\"sentAt\":\"not a date\"",
        "\"sentAt\":null", "\"sentAt\":\"0001-01-01T00:00:00Z\"", "", "", ""};
    private static final String[] IPS = {"\"ip\":\"203.0.113.7\"", "\"ip\":null", "\"ip\":5", "", ""};
    private static final String[] CONTEXTS = {"\"context\":{\"library\":{\"name\":\"analytics-java\"},\"locale\":\"de\"}",
        "\"context\":{\"ip\":null,\"x\":1.50}", "\"context\":{\"ip\":\"\"}", "\"context\":{\"ip\":\"10.0.0.1\",\"y\":[1e2]}",
        "\"context\":{}", "\"context\":null", "\"context\":\"text\"", "\"context\":[1]", "", "", ""};
    private static final String[] INTEGRATIONS = {"\"integrations\":{\"All\":true,\"Mixpanel\":false}",
        "\"integrations\":{}", "\"integrations\":null", "\"integrations\":3", "", "", ""};
    private static final String[] EVENT_CONTEXTS = {"\"context\":{\"ip\":\"198.51.100.1\"}", "\"context\":{\"ip\":null}",
        "\"context\":{\"ip\":\"\"}", "\"context\":{\"ip\":0}", "\"context\":{\"locale\":\"fr\",\"library\":{}}",
        "\"context\":{}", "\"context\":null", "\"context\":\"not an object\"", "\"context\":[]", "\"context\":{\"ünï\":\"😀\"}"};
    private static final String[] EVENT_EXTRAS = {"\"integrations\":{\"Mixpanel\":true}", "\"integrations\":null",
        "\"integrations\":[]", "\"messageId\":null", "\"messageId\":\"\"", "\"messageId\":12", "\"projectId\":\"spoof\"",
        "\"receivedAt\":\"1999-01-01T00:00:00Z\"", "\"sentAt\":\"2026-11-29T10:00:02Z\"", "\"sentAt\":null",
        "\"sentAt\":\"garbage\"", "\"originalTimestamp\":\"2026-11-29T09:59:00Z\"", "\"originalTimestamp\":null",
        "\"originalTimestamp\":5", "\"timestamp\":\"2026-11-29T09:58:00.1234Z\"", "\"timestamp\":null",
        "\"writeKey\":\"secret\"", "\"writeKey\":{\"n\":1e5}", "\"n\":-0.0", "\"n2\":0.000", "\"n3\":1.0e-7",
        "\"n4\":12.50", "\"n5\":-3.25", "\"n6\":100.0", "\"n7\":0.5", "\"n8\":1E+2", "\"k\\u00e9y\":\"\\u00e9\"",
        "\"\\ud83d\\ude00\":\"pair\"", "\"userId\":\"\"", "\"anonymousId\":42", "\"userId\":1.5"};

    @Test
    void hostileRequestsGiveTheSameEventsAsTheTreePath() {
        Random random = new Random(11);
        int compared = 0;
        for (int seed = 0; seed < 6; seed++) {
            HostileRequests generator = new HostileRequests(seed, "wk");
            for (int i = 0; i < 400; i++) {
                HostileRequests.Request request = generator.next(i);
                List<byte[]> events = elements(request.body());
                byte[] raw = events == null ? request.body() : envelope(random, events);
                compare(raw);
                compared++;
                if (events != null && random.nextInt(10) == 0) {
                    compare(request.body()); // a request body is no envelope: no projectId
                }
            }
        }
        assertThat(compared).isEqualTo(2400);
    }

    @Test
    void edgeCasesGiveTheSameEventsAsTheTreePath() {
        Random random = new Random(29);
        for (int i = 0; i < 3000; i++) {
            List<byte[]> events = new ArrayList<>();
            int n = 1 + random.nextInt(5);
            for (int e = 0; e < n; e++) {
                events.add(edgeEvent(random).getBytes(StandardCharsets.UTF_8));
            }
            compare(envelope(random, events));
        }
    }

    @Test
    void recordsThatAreNoEnvelopeAreRefusedAlike() {
        for (String raw : List.of("", " ", "[]", "\"x\"", "{}", "{\"projectId\":\"p\"}", "{} {}", "{\"a\":1,\"a\":2}",
                "{\"projectId\":\"p\",\"receivedAt\":\"2026-01-01T00:00:00Z\"}",
                "{\"projectId\":\"p\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"batch\":{}}",
                "{\"projectId\":\"p\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"batch\":[{\"x\":1e9999999999}]}",
                "{\"projectId\":\"p\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"batch\":[{\"type\":\"track\"}]} x",
                "{\"projectId\":\"p\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"batch\":[{\"type\":\"track\"},]}",
                "{\"projectId\":\"p\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"batch\":[]}",
                "{\"projectId\":\"p\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"batch\":[1,\"s\",null,[{}]]}",
                "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}],\"projectId\":\"p\","
                        + "\"receivedAt\":\"2026-01-01T00:00:00Z\",\"ip\":\"1.2.3.4\",\"context\":{\"a\":1}}")) {
            compare(raw.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String edgeEvent(Random random) {
        String type = HostileRequests.TYPES[random.nextInt(HostileRequests.TYPES.length)];
        List<String> fields = new ArrayList<>(List.of("\"type\":\"" + type + "\"", "\"userId\":\"u-" + random.nextInt(9)
                + "\"", "\"event\":\"Clicked ü\"", "\"groupId\":\"g\"", "\"previousId\":\"p\"", "\"name\":\"n\""));
        if (random.nextBoolean()) {
            fields.add("\"messageId\":\"m-" + random.nextInt(1_000_000) + "\"");
        }
        if (random.nextInt(3) > 0) {
            fields.add(EVENT_CONTEXTS[random.nextInt(EVENT_CONTEXTS.length)]);
        }
        int extras = random.nextInt(5);
        for (int i = 0; i < extras; i++) {
            String extra = EVENT_EXTRAS[random.nextInt(EVENT_EXTRAS.length)];
            String key = extra.substring(0, extra.indexOf(':'));
            fields.removeIf(f -> f.startsWith(key + ":")); // a duplicate key would refuse the whole record
            fields.add(extra);
        }
        if (random.nextInt(50) == 0) {
            fields.add("\"x\":{\"a\":1,\"a\":2}"); // a duplicate key: the whole record is not JSON Sluice reads
        }
        java.util.Collections.shuffle(fields, random);
        return random.nextInt(40) == 0 ? "[" + String.join(",", fields) + "]" : "{" + String.join(",", fields) + "}";
    }

    /** An envelope around {@code events}, its head fields drawn from the edge cases, the batch usually last. */
    private static byte[] envelope(Random random, List<byte[]> events) {
        List<String> head = new ArrayList<>();
        for (String[] options : List.of(PROJECTS, RECEIVED, SENT, IPS, CONTEXTS, INTEGRATIONS)) {
            // valid choices (the first) most of the time, so most envelopes get to their events
            String choice = random.nextInt(3) > 0 ? options[0] : options[random.nextInt(options.length)];
            if (!choice.isEmpty()) {
                head.add(choice);
            }
        }
        StringBuilder batch = new StringBuilder("\"batch\":[");
        for (int i = 0; i < events.size(); i++) {
            batch.append(i == 0 ? "" : ",").append(new String(events.get(i), StandardCharsets.UTF_8));
        }
        batch.append(']');
        head.add(random.nextInt(10) == 0 ? random.nextInt(head.size() + 1) : head.size(), batch.toString());
        return ("{" + String.join(",", head) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** The batch elements of a request body as written, or null when a lenient reader cannot split it. */
    private static List<byte[]> elements(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        try (JsonParser p = LENIENT.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean batch = p.currentName().equals("batch");
                JsonToken t = p.nextToken();
                if (!batch || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    out.add(Arrays.copyOfRange(body, start, (int) p.currentLocation().getByteOffset()));
                }
            }
            return out.isEmpty() ? null : out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void compare(byte[] raw) {
        String context = new String(raw, StandardCharsets.UTF_8);
        List<String> expected = describe(() -> treePath(raw));
        List<String> actual = describe(() -> SCANNER.scan(raw, ORIGIN).events());
        String record = clip(context, 0);
        assertThat(actual.size()).as("outcomes of %s: %s vs %s", record, clip(actual.toString(), 0),
                clip(expected.toString(), 0)).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            String a = actual.get(i);
            String e = expected.get(i);
            int at = 0;
            while (at < Math.min(a.length(), e.length()) && a.charAt(at) == e.charAt(at)) {
                at++;
            }
            assertThat(a).as("event %d of %s, first difference at %d: %s vs %s", i, record, at, clip(a, at),
                    clip(e, at)).isEqualTo(e);
        }
    }

    private static String clip(String s, int around) {
        int from = Math.max(0, around - 300);
        return s.substring(from, Math.min(s.length(), from + 600));
    }

    private interface Run {
        List<EnvelopeScanner.Outcome> get();
    }

    /** Each outcome as comparable text, JSON normalized through the tree codec. */
    private static List<String> describe(Run run) {
        List<EnvelopeScanner.Outcome> outcomes;
        try {
            outcomes = run.get();
        } catch (IllegalArgumentException e) {
            return List.of("malformed_raw: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (EnvelopeScanner.Outcome o : outcomes) {
            if (o instanceof EnvelopeScanner.Routed r) {
                out.add("routed " + r.type() + " " + r.messageId() + " " + r.value().length + " " + tree(r.value()));
            } else if (o instanceof EnvelopeScanner.Rejected r) {
                out.add("rejected " + r.type() + " " + r.why() + " " + tree(r.value()));
            }
        }
        return out;
    }

    /** The JSON read back through the tree codec, object keys sorted (field order is not part of the contract). */
    private static String tree(byte[] json) {
        return SegmentJson.toString(sorted(SegmentJson.parse(json)));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = SegmentJson.newObject();
            java.util.TreeMap<String, JsonNode> fields = new java.util.TreeMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), sorted(e.getValue())));
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory
                    .instance.arrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    /** The router before the streaming scanner, event for event (EnvelopeSplitter as it was). */
    static List<EnvelopeScanner.Outcome> treePath(byte[] raw) {
        RawEnvelope envelope = RawEnvelope.parse(raw);
        EventValidator validator = new EventValidator();
        EventEnricher enricher = new EventEnricher();
        int limit = MAX_EVENT_BYTES + EventEnricher.maxAddedBytes(envelope.projectId(), envelope.ip());
        List<EnvelopeScanner.Outcome> out = new ArrayList<>();
        for (int i = 0; i < envelope.batch().size(); i++) {
            JsonNode node = envelope.batch().get(i);
            JsonNode t = node.get("type");
            String type = t != null && t.isTextual() ? t.asText() : "invalid";
            Optional<Rejection> problem = validator.validate(node, envelope.receivedAt(), envelope.sentAt());
            if (problem.isPresent()) {
                out.add(new EnvelopeScanner.Rejected(problem.get(), SegmentJson.toBytes(node), type));
                continue;
            }
            int index = i;
            byte[] routed = SegmentJson.toBytes(enricher.enrich((ObjectNode) node, envelope,
                    () -> FallbackMessageIds.of(envelope.projectId(), ORIGIN, index)));
            if (routed.length > limit) {
                out.add(new EnvelopeScanner.Rejected(new Rejection("payload_too_large", "with the envelope merged "
                        + "in, this event is " + routed.length + " bytes, more than " + limit), routed, type));
                continue;
            }
            out.add(new EnvelopeScanner.Routed(type, node.get("messageId").asText(), routed));
        }
        return out;
    }
}
