package dev.sluice.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.Delivery.Outcome;
import dev.sluice.sink.Delivery;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResponseOutcomeTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void statusesMapToOutcomes() {
        assertThat(ResponseOutcome.of(200, "", null, NOW).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(ResponseOutcome.of(204, null, null, NOW).outcome()).isEqualTo(Outcome.DELIVERED);
        for (int transientStatus : new int[] {408, 500, 502, 503, 504}) {
            Delivery d = ResponseOutcome.of(transientStatus, "x", null, NOW);
            assertThat(d.outcome()).as("HTTP %d", transientStatus).isEqualTo(Outcome.TRANSIENT);
            assertThat(d.throttled()).isFalse();
        }
        Delivery throttled = ResponseOutcome.of(429, "slow", "7", NOW);
        assertThat(throttled.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(throttled.throttled()).isTrue();
        assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(ResponseOutcome.of(503, "", "3", NOW).retryAfter()).isEqualTo(Duration.ofSeconds(3));
        for (int permanent : new int[] {301, 400, 401, 403, 404, 410, 413, 422}) {
            Delivery d = ResponseOutcome.of(permanent, "{\"error\":\"no\"}", null, NOW);
            assertThat(d.outcome()).as("HTTP %d", permanent).isEqualTo(Outcome.PERMANENT);
            assertThat(d.code()).isEqualTo("http_" + permanent);
            assertThat(d.reason()).isEqualTo("HTTP " + permanent + ": {\"error\":\"no\"}");
        }
    }

    @Test
    void theReasonKeepsTheStartOfALongBody() {
        Delivery d = ResponseOutcome.of(400, "e".repeat(5000), null, NOW);
        assertThat(d.reason()).hasSize("HTTP 400: ".length() + ResponseOutcome.MAX_REASON_CHARS + 1).endsWith("e…");
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDateCappedAndNeverNegative() {
        assertThat(ResponseOutcome.retryAfter("120", NOW)).isEqualTo(Duration.ofMinutes(2));
        assertThat(ResponseOutcome.retryAfter("Sun, 29 Nov 2026 12:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(ResponseOutcome.retryAfter("Sun, 29 Nov 2026 11:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(ResponseOutcome.retryAfter("86400", NOW)).isEqualTo(ResponseOutcome.MAX_RETRY_AFTER);
        assertThat(ResponseOutcome.retryAfter("soon", NOW)).isNull();
        assertThat(ResponseOutcome.retryAfter(null, NOW)).isNull();
    }
}
