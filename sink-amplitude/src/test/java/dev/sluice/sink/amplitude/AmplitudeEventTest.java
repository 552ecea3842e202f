package dev.sluice.sink.amplitude;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventType;
import dev.sluice.sink.Delivery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Segment → Amplitude mapping, type by type (the README's table). */
class AmplitudeEventTest {

    private final AmplitudeEvent mapper = new AmplitudeEvent(AmplitudeConfig.fromEnv(
            Map.of("SLUICE_AMPLITUDE_API_KEYS", "p=k")));

    private AmplitudeEvent.Mapped map(EventType type) {
        return map(AmplitudeTestEvents.json(7, type, "msg-7", "p", "anon-device-7"));
    }

    private AmplitudeEvent.Mapped map(String json) {
        return mapper.map(json.getBytes(StandardCharsets.UTF_8), 1_000L);
    }

    @Test
    void everyMappedEventCarriesIdsTimeInsertIdAndTheContextAmplitudeKnows() {
        for (EventType type : new EventType[] {EventType.TRACK, EventType.IDENTIFY, EventType.PAGE, EventType.SCREEN,
                EventType.GROUP}) {
            ObjectNode e = map(type).event();
            assertThat(e).as(type.name()).isNotNull();
            assertThat(e.get("user_id").asText()).isEqualTo("user-7");
            assertThat(e.get("device_id").asText()).isEqualTo("anon-device-7");
            assertThat(e.get("time").asLong()).isEqualTo(Instant.parse("2026-03-01T12:00:05.123Z").toEpochMilli());
            assertThat(e.get("insert_id").asText()).isEqualTo("msg-7");
            assertThat(e.get("ip").asText()).isEqualTo("203.0.113.7");
            assertThat(e.get("library").asText()).isEqualTo("analytics-node/2.1.0");
            assertThat(e.get("os_name").asText()).isEqualTo("iOS");
            assertThat(e.get("os_version").asText()).isEqualTo("17.2");
            assertThat(e.get("language").asText()).isEqualTo("de-DE");
            assertThat(e.has("projectId")).isFalse();
            assertThat(e.has("context")).isFalse();
        }
    }

    @Test
    void trackIsItsEventNameWithItsProperties() {
        ObjectNode e = map(EventType.TRACK).event();
        assertThat(e.get("event_type").asText()).isEqualTo("Order Completed");
        assertThat(e.get("event_properties").get("revenue").asDouble()).isEqualTo(9.5);
    }

    @Test
    void identifySetsTheTraitsAsUserProperties() {
        ObjectNode e = map(EventType.IDENTIFY).event();
        assertThat(e.get("event_type").asText()).isEqualTo("$identify");
        assertThat(e.get("user_properties").get("$set").get("plan").asText()).isEqualTo("pro");
        assertThat(e.has("event_properties")).isFalse();
    }

    @Test
    void pageAndScreenAreNamedByThePatternOrLoadedWithoutAName() {
        assertThat(map(EventType.PAGE).event().get("event_type").asText()).isEqualTo("Viewed Pricing Page");
        assertThat(map(EventType.PAGE).event().get("event_properties").get("path").asText()).isEqualTo("/pricing");
        assertThat(map(EventType.SCREEN).event().get("event_type").asText()).isEqualTo("Viewed Home Screen");
        assertThat(map("{\"type\":\"page\",\"userId\":\"user-1\",\"messageId\":\"m\"}").event().get("event_type")
                .asText()).isEqualTo("Loaded a Page");
        AmplitudeEvent custom = new AmplitudeEvent(AmplitudeConfig.fromEnv(Map.of("SLUICE_AMPLITUDE_API_KEYS", "p=k",
                "SLUICE_AMPLITUDE_PAGE_EVENT", "Page: {category}/{name}")));
        assertThat(custom.map(("{\"type\":\"page\",\"userId\":\"user-1\",\"name\":\"Pricing\",\"category\":\"Docs\"}")
                .getBytes(StandardCharsets.UTF_8), 0).event().get("event_type").asText()).isEqualTo("Page: Docs/Pricing");
    }

    @Test
    void groupSetsTheGroupAndItsProperties() {
        ObjectNode e = map(EventType.GROUP).event();
        assertThat(e.get("event_type").asText()).isEqualTo("$identify");
        assertThat(e.get("groups").get("[Segment] Group").asText()).isEqualTo("acme-inc");
        assertThat(e.get("group_properties").get("employees").asInt()).isEqualTo(40);
    }

    @Test
    void aliasIsDiscardedWithItsReason() {
        AmplitudeEvent.Mapped m = map(EventType.ALIAS);
        assertThat(m.event()).isNull();
        assertThat(m.refusal().outcome()).isEqualTo(Delivery.Outcome.DISCARDED);
        assertThat(m.refusal().code()).isEqualTo("alias_unsupported");
    }

    @Test
    void idsShorterThanTheMinimumAreDroppedAndAnEventWithNoneLeftIsDiscarded() {
        ObjectNode e = map("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"ab\",\"anonymousId\":\"anon-12345\"}").event();
        assertThat(e.has("user_id")).isFalse();
        assertThat(e.get("device_id").asText()).isEqualTo("anon-12345");
        assertThat(e.get("time").asLong()).as("no timestamp: the record's").isEqualTo(1_000L);

        AmplitudeEvent.Mapped m = map("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"ab\",\"anonymousId\":\"x1\"}");
        assertThat(m.refusal().outcome()).isEqualTo(Delivery.Outcome.DISCARDED);
        assertThat(m.refusal().code()).isEqualTo("id_too_short");
        assertThat(m.refusal().reason()).contains("'ab'", "'x1'", "5");

        AmplitudeEvent lenient = new AmplitudeEvent(AmplitudeConfig.fromEnv(Map.of("SLUICE_AMPLITUDE_API_KEYS", "p=k",
                "SLUICE_AMPLITUDE_MIN_ID_LENGTH", "2")));
        assertThat(lenient.map("{\"type\":\"track\",\"event\":\"E\",\"userId\":\"ab\"}".getBytes(StandardCharsets.UTF_8), 0)
                .event().get("user_id").asText()).isEqualTo("ab");
    }

    @Test
    void brokenEventsAreDeadLettered() {
        assertThat(map("not json").refusal().outcome()).isEqualTo(Delivery.Outcome.PERMANENT);
        assertThat(map("{\"type\":\"track\",\"userId\":\"user-1\"}").refusal().outcome())
                .isEqualTo(Delivery.Outcome.PERMANENT);
    }
}
