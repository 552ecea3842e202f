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
}
