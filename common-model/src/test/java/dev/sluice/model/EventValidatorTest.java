package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {

    private final EventValidator validator = new EventValidator();

    private static final Instant RECEIVED = Instant.parse("2026-11-29T10:00:00.123Z");

    private String codeOf(String json) {
        return codeOf(json, null);
    }

    private String codeOf(String json, String envelopeSentAt) {
        return validator.validate(SegmentJson.parse(json.getBytes(StandardCharsets.UTF_8)), RECEIVED, envelopeSentAt)
                .map(Rejection::code).orElse("valid");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'type':'track','userId':'u','event':'E','timestamp':'0001-01-01T00:00:00Z'}|valid",
        "{'type':'track','userId':'u','event':'E','timestamp':'9999-12-31T23:59:59.999Z'}|valid",
        "{'type':'track','userId':'u','event':'E','timestamp':'0000-12-31T23:59:59Z'}|invalid_timestamp",
        "{'type':'track','userId':'u','event':'E','timestamp':'+10000-01-01T00:00:00Z'}|invalid_timestamp",
        "{'type':'track','userId':'u','event':'E','originalTimestamp':'-999999999-01-01T00:00:00Z'}|invalid_timestamp",
        "{'type':'track','userId':'u','event':'E','sentAt':'+999999999-12-31T23:59:59Z'}|invalid_timestamp",
        // each in range, but the skew correction lands before year 1
        "{'type':'track','userId':'u','event':'E','originalTimestamp':'0001-01-01T00:00:00Z','sentAt':'9999-01-01T00:00:00Z'}|invalid_timestamp",
        "{'type':'track','userId':'u','event':'E','originalTimestamp':'9999-01-01T00:00:00Z','sentAt':'0001-01-01T00:00:00Z'}|invalid_timestamp",
        // a device clock reset to 1970 is what the correction is for
        "{'type':'track','userId':'u','event':'E','originalTimestamp':'1970-01-01T00:00:00Z','sentAt':'1970-01-01T00:00:05Z'}|valid"})
    void timestampsAreRefusedWhenEnrichmentCouldNotUseThem(String json, String expected) {
        assertThat(codeOf(json.replace('\'', '"'))).isEqualTo(expected);
    }

    @Test
    void theEnvelopeSentAtTakesPartInTheCorrection() {
        String event = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"originalTimestamp\":\"0001-01-01T00:00:00Z\"}";
        assertThat(codeOf(event, "0001-01-01T00:00:01Z")).isEqualTo("valid");
        assertThat(codeOf(event, "9000-01-01T00:00:00Z")).isEqualTo("invalid_timestamp");
        // an envelope sentAt out of range is no time at all: the event's own time is used
        assertThat(codeOf(event, "+20000-01-01T00:00:00Z")).isEqualTo("valid");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":{}}",
        "{\"type\":\"track\",\"anonymousId\":\"a\",\"event\":\"E\"}",
        "{\"type\":\"identify\",\"userId\":42,\"traits\":{\"plan\":\"pro\"}}",
        "{\"type\":\"page\",\"userId\":\"u\"}",
        "{\"type\":\"screen\",\"userId\":\"u\",\"name\":\"Main\",\"category\":\"App\"}",
        "{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"g\"}",
        "{\"type\":\"alias\",\"userId\":\"u\",\"previousId\":\"p\"}",
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"2026-01-01T00:00:00.000+02:00\",\"messageId\":null}"})
    void acceptsWhatSdksSend(String json) {
        assertThat(codeOf(json)).isEqualTo("valid");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1]|event_not_object",
        "{\"userId\":\"u\"}|invalid_type",
        "{\"type\":\"Track\",\"userId\":\"u\"}|invalid_type",
        "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"\"}|no_user_anon_id",
        "{\"type\":\"track\",\"userId\":\"u\"}|event_not_defined",
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\" \"}|event_not_string",
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":\"p\"}|properties_not_object",
        "{\"type\":\"identify\",\"userId\":\"u\",\"traits\":[]}|traits_not_object",
        "{\"type\":\"page\",\"userId\":\"u\",\"name\":3}|name_not_string",
        "{\"type\":\"screen\",\"userId\":\"u\",\"category\":\"\"}|category_not_string",
        "{\"type\":\"group\",\"userId\":\"u\"}|group_id_required",
        "{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"g\",\"traits\":1}|traits_not_object",
        "{\"type\":\"alias\",\"userId\":\"u\"}|previous_id_required",
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":7}|message_id_invalid",
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"sentAt\":\"noon\"}|invalid_timestamp",
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"integrations\":true}|integrations_not_object"})
    void refusesWithSegmentsReasonCode(String json, String code) {
        assertThat(codeOf(json)).isEqualTo(code);
    }

    @org.junit.jupiter.api.Test
    void messageIdOfMoreThan100CharactersIsRefused() {
        String id = "m".repeat(101);
        assertThat(codeOf("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + id + "\"}"))
                .isEqualTo("message_id_invalid");
        assertThat(codeOf("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + id.substring(1) + "\"}"))
                .isEqualTo("valid");
    }
}
