package dev.sluice.sink;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait between attempts: exponential with full jitter in place, then growing delays
 * from the retry topic until {@code maxAge}, after which a record is dead-lettered.
 *
 * @param inPlaceAttempts attempts before a record is parked in the retry topic
 */
public record RetryPolicy(int inPlaceAttempts, Duration backoffBase, Duration backoffMax, Duration parkBase,
                          Duration parkMax, Duration maxAge) {

    /** Delay before in-place attempt {@code attempt + 1}; a destination's Retry-After wins if longer. */
    public Duration inPlaceDelay(int attempt, Duration retryAfter) {
        long cap = Math.min(backoffMax.toMillis(), backoffBase.toMillis() << Math.min(attempt - 1, 20));
        // full jitter, but never less than half, so backoff still grows
        long ms = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
        Duration d = Duration.ofMillis(ms);
        return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
    }

    /** Delay before the retry topic hands a record back after its {@code parkings}-th parking (1-based). */
    public Duration parkDelay(int parkings) {
        long ms = Math.min(parkMax.toMillis(), parkBase.toMillis() << Math.min(parkings - 1, 20));
        return Duration.ofMillis(ms);
    }
}
