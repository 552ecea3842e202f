package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {

    private final EventValidator validator = new EventValidator();

    private String codeOf(String json) {
        return validator.validate(SegmentJson.parse(json.getBytes(StandardCharsets.UTF_8)))
                .map(Rejection::code).orElse("valid");
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
