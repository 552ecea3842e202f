package dev.sluice.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * The retry rule, in one place and free of I/O: given a record's failures so far and the outcome of
 * its latest attempt, retry it in place soon, park it, dead-letter it, or call it settled.
 */
final class RetryRules {

    private final RetryPolicy policy;
    private final RandomGenerator random;

    RetryRules(RetryPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
    }

    /**
     * Decides after an attempt at {@code now}; {@code record} holds its state before that attempt and
     * is not changed.
     */
    RetryDecision decide(PendingRecord record, Delivery outcome, Instant now) {
        switch (outcome.outcome()) {
            case DELIVERED:
                return RetryDecision.SETTLED;
            case DISCARDED:
                return new RetryDecision(RetryDecision.Kind.DISCARD, null, outcome.code(), outcome.reason());
            case PERMANENT:
                return new RetryDecision(RetryDecision.Kind.DEAD_LETTER, null, outcome.code(), outcome.reason());
            default:
                break;
        }
        Instant first = record.firstFailure == null ? now : record.firstFailure;
        if (Duration.between(first, now).compareTo(policy.maxAge()) >= 0) {
            return new RetryDecision(RetryDecision.Kind.DEAD_LETTER, null, outcome.code(),
                    "still failing after " + policy.maxAge() + ": " + outcome.reason());
        }
        Instant roundStart = record.roundStart == null ? now : record.roundStart;
        if (Duration.between(roundStart, now).compareTo(policy.parkAfter()) >= 0) {
            Duration delay = policy.parkDelay(record.parkings + 1);
            if (outcome.retryAfter() != null && outcome.retryAfter().compareTo(delay) > 0) {
                delay = outcome.retryAfter();
            }
            return new RetryDecision(RetryDecision.Kind.PARK, now.plus(delay), outcome.code(), outcome.reason());
        }
        Duration wait = policy.inPlaceDelay(record.roundAttempts + 1, outcome.retryAfter(), random);
        return new RetryDecision(RetryDecision.Kind.RETRY, now.plus(wait), outcome.code(), outcome.reason());
    }
}
