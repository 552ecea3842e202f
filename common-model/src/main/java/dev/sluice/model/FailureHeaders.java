package dev.sluice.model;

import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * Why, where and when a record failed, as Kafka headers on {@code events.rejected}, retry and DLQ
 * records; the original key, value and headers travel unchanged beside them.
 *
 * @param code machine-readable reason ({@code no_user_anon_id}, {@code http_400}, …)
 * @param reason a sentence for a person
 * @param stage the component that gave up ({@code ingest-api}, {@code router-streams}, {@code sink-firehose}, …)
 * @param attempts delivery attempts made so far (0 when refused before any attempt)
 */
public record FailureHeaders(String code, String reason, String stage, int attempts,
                             Instant firstFailure, Instant lastFailure) {

    public static final String CODE = "sluice.error.code";
    public static final String REASON = "sluice.error.reason";
    public static final String STAGE = "sluice.error.stage";
    public static final String ATTEMPTS = "sluice.error.attempts";
    public static final String FIRST_FAILURE = "sluice.error.first-failure";
    public static final String LAST_FAILURE = "sluice.error.last-failure";

    /** A refusal on first sight: no attempts, failed now. */
    public static FailureHeaders rejectedNow(Rejection rejection, String stage) {
        Instant now = Instant.now();
        return new FailureHeaders(rejection.code(), rejection.message(), stage, 0, now, now);
    }

    /** Replaces any earlier failure headers with these. */
    public void writeTo(Headers headers) {
        put(headers, CODE, code);
        put(headers, REASON, reason);
        put(headers, STAGE, stage);
        put(headers, ATTEMPTS, Integer.toString(attempts));
        put(headers, FIRST_FAILURE, IsoInstant.format(firstFailure));
        put(headers, LAST_FAILURE, IsoInstant.format(lastFailure));
    }

    /** Reads a header as UTF-8 text; null when absent. */
    public static String text(Headers headers, String name) {
        return EventHeaders.text(headers, name);
    }

    private static void put(Headers headers, String name, String value) {
        EventHeaders.put(headers, name, value == null ? "" : value);
    }
}
