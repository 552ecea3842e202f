package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventEnricherTest {

    private final EventEnricher enricher = new EventEnricher();

    private static ObjectNode json(String s) {
        return (ObjectNode) SegmentJson.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private static RawEnvelope envelope(String sentAt, String context) {
        return new RawEnvelope("project-a", Instant.parse("2026-03-01T12:00:10.000Z"), sentAt, "203.0.113.9",
                "ua", context == null ? null : json(context), null, JsonNodeFactory.instance.arrayNode());
    }

    @Test
    void correctsClockSkewAsSegmentDoes() {
        // device clock is 1 h ahead: it stamped the event at 13:00:00 and sent it at 13:00:05 (its time);
        // the server received it at 12:00:10, so the event happened 5 s before: 12:00:05
        ObjectNode e = json("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"2026-03-01T13:00:00.000Z\"}");
        enricher.enrich(e, envelope("2026-03-01T13:00:05.000Z", null), "fallback");

        assertThat(e.get("timestamp").asText()).isEqualTo("2026-03-01T12:00:05.000Z");
        assertThat(e.get("originalTimestamp").asText()).isEqualTo("2026-03-01T13:00:00.000Z");
        assertThat(e.get("sentAt").asText()).isEqualTo("2026-03-01T13:00:05.000Z");
        assertThat(e.get("receivedAt").asText()).isEqualTo("2026-03-01T12:00:10.000Z");
        assertThat(e.get("projectId").asText()).isEqualTo("project-a");
        assertThat(e.get("messageId").asText()).isEqualTo("fallback");
        assertThat(e.get("context").get("ip").asText()).isEqualTo("203.0.113.9");
    }

    @Test
    void perEventSentAtOverridesTheEnvelopes() {
        ObjectNode e = json("{\"originalTimestamp\":\"2026-03-01T12:00:00.000+00:00\",\"sentAt\":\"2026-03-01T12:00:01Z\"}");
        enricher.enrich(e, envelope("2026-03-01T12:00:09.000Z", null), "m");
        assertThat(e.get("timestamp").asText()).isEqualTo("2026-03-01T12:00:09.000Z");
    }

    @Test
    void withoutSentAtTheClientTimeIsKeptAndWithoutAnyTimeTheReceiptTimeIsUsed() {
        ObjectNode noSentAt = json("{\"timestamp\":\"2026-02-01T00:00:00Z\"}");
        enricher.enrich(noSentAt, envelope(null, null), "m");
        assertThat(noSentAt.get("timestamp").asText()).isEqualTo("2026-02-01T00:00:00.000Z");

        ObjectNode noTime = json("{\"messageId\":\"own\"}");
        enricher.enrich(noTime, envelope("2026-03-01T12:00:01Z", null), "m");
        assertThat(noTime.get("timestamp").asText()).isEqualTo("2026-03-01T12:00:10.000Z");
        assertThat(noTime.get("originalTimestamp").asText()).isEqualTo("2026-03-01T12:00:10.000Z");
        assertThat(noTime.get("messageId").asText()).isEqualTo("own");
    }

    @Test
    void envelopeContextFillsGapsButTheEventsOwnValuesWin() {
        ObjectNode e = json("{\"context\":{\"ip\":\"198.51.100.1\",\"locale\":\"de-DE\"},\"writeKey\":\"secret\"}");
        enricher.enrich(e, envelope(null, "{\"locale\":\"en-US\",\"library\":{\"name\":\"analytics-java\"}}"), "m");
        assertThat(e.get("context").get("locale").asText()).isEqualTo("de-DE");
        assertThat(e.get("context").get("library").get("name").asText()).isEqualTo("analytics-java");
        assertThat(e.get("context").get("ip").asText()).isEqualTo("198.51.100.1");
        assertThat(e.has("writeKey")).isFalse();
    }

    @Test
    void envelopeRoundTripsThroughJson() {
        ArrayNode batch = JsonNodeFactory.instance.arrayNode().add(json("{\"type\":\"track\",\"x\":{\"y\":1}}"));
        RawEnvelope env = new RawEnvelope("p", Instant.parse("2026-01-01T00:00:00.123Z"), "2026-01-01T00:00:00Z",
                "1.2.3.4", "ua", json("{\"a\":1}"), json("{\"All\":true}"), batch);
        RawEnvelope back = RawEnvelope.parse(env.toBytes());
        assertThat(back.projectId()).isEqualTo("p");
        assertThat(back.receivedAt()).isEqualTo(env.receivedAt());
        assertThat(back.sentAt()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(back.context()).isEqualTo(env.context());
        assertThat(back.integrations()).isEqualTo(env.integrations());
        assertThat(back.batch()).isEqualTo(batch);
    }

    /** Events built to grow the most when enriched: short timestamps, no ids, exponent floats, envelope merges. */
    @Test
    void enrichedSizeNeverExceedsTheBoundIngestChecks() {
        java.util.Random random = new java.util.Random(20261129);
        String[] exponents = {"1e-6", "-1E-6", "1234567890e1", "9.99e+99", "1e7", "12e-7", "5E0"};
        for (int round = 0; round < 2000; round++) {
            StringBuilder event = new StringBuilder("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"");
            int exponentNumbers = 0;
            if (random.nextBoolean()) {
                event.append(",\"sentAt\":\"2024-01-01T00:00Z\"");
            }
            if (random.nextBoolean()) {
                event.append(",\"originalTimestamp\":\"2024-01-01T00:00Z\"");
            }
            if (random.nextBoolean()) {
                event.append(",\"messageId\":null");
            }
            if (random.nextBoolean()) {
                event.append(",\"context\":{\"own\":1}");
            }
            event.append(",\"properties\":{");
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) {
                event.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":")
                        .append(exponents[random.nextInt(exponents.length)]);
                exponentNumbers++;
            }
            event.append("}}");
            String context = random.nextBoolean() ? null
                    : "{\"library\":{\"name\":\"analytics-java\"},\"n\":" + random.nextInt() + "}";
            String integrations = random.nextBoolean() ? null : "{\"All\":false}";
            String ip = random.nextBoolean() ? null : "2001:db8:85a3:0:0:8a2e:370:7334";
            RawEnvelope env = new RawEnvelope("project-\"quoted\"", Instant.parse("2026-03-01T12:00:10.000Z"),
                    random.nextBoolean() ? null : "2024-01-01T00:00Z", ip, "ua",
                    context == null ? null : json(context), integrations == null ? null : json(integrations),
                    JsonNodeFactory.instance.arrayNode());
            byte[] stored = event.toString().getBytes(StandardCharsets.UTF_8);
            int bound = EventEnricher.maxMergedBytes(stored.length, exponentNumbers,
                    context == null ? 0 : SegmentJson.toBytes(json(context)).length,
                    integrations == null ? 0 : SegmentJson.toBytes(json(integrations)).length)
                    + EventEnricher.maxAddedBytes(env.projectId(), ip);
            byte[] enriched = SegmentJson.toBytes(enricher.enrich((ObjectNode) SegmentJson.parse(stored), env,
                    "sluice-" + java.util.UUID.randomUUID()));
            assertThat(enriched.length).as("round %d: %s", round, event).isLessThanOrEqualTo(bound);
        }
    }
}
