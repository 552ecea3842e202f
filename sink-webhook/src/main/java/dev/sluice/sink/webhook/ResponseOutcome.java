package dev.sluice.sink.webhook;

import dev.sluice.sink.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** What an endpoint's HTTP answer means for the events of the request. */
final class ResponseOutcome {

    /** How much of a refusing response body goes into the DLQ reason. */
    static final int MAX_REASON_CHARS = 500;

    /** A Retry-After beyond this is capped: the runtime's own backoff and parking take over. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private ResponseOutcome() {
    }

    /**
     * 2xx delivered; 429 throttled (the send rate drops, Retry-After honoured); 408, 5xx transient (503's
     * Retry-After honoured too); every other status permanent, with the truncated body as the reason.
     */
    static Delivery of(int status, String body, String retryAfter, Instant now) {
        if (status >= 200 && status < 300) {
            return Delivery.delivered();
        }
        String code = "http_" + status;
        String text = body == null ? "" : body.length() > MAX_REASON_CHARS ? body.substring(0, MAX_REASON_CHARS) + "…"
                : body;
        String reason = "HTTP " + status + ": " + text;
        if (status == 429) {
            return Delivery.throttled(code, reason, retryAfter(retryAfter, now));
        }
        if (status == 408 || status >= 500) {
            return Delivery.transientFailure(code, reason, retryAfter(retryAfter, now));
        }
        return Delivery.permanentFailure(code, reason);
    }

    /** Seconds or an HTTP date, at most {@link #MAX_RETRY_AFTER}; null when absent or unreadable. */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                d = Duration.between(now, ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant());
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }
}
