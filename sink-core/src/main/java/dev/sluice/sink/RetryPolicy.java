package dev.sluice.sink;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait between attempts: a short exponential backoff with jitter in place, then, for a
 * record that kept failing for {@code parkAfter}, growing delays from the retry topic until
 * {@code maxAge}, after which it is dead-lettered.
 *
 * @param parkAfter how long a record may keep failing in place before it is parked in the retry topic
 */
public record RetryPolicy(Duration parkAfter, Duration backoffBase, Duration backoffMax, Duration parkBase,
                          Duration parkMax, Duration maxAge) {

    public RetryPolicy {
        if (backoffBase.isNegative() || backoffBase.isZero() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("in-place backoff: base " + backoffBase + " must be positive and at most "
                    + "the maximum " + backoffMax);
        }
    }

    /** Delay before in-place attempt {@code attempt + 1}; a destination's Retry-After wins if longer. */
    public Duration inPlaceDelay(int attempt, Duration retryAfter, RandomGenerator random) {
        long cap = Math.min(backoffMax.toMillis(), backoffBase.toMillis() << Math.min(attempt - 1, 20));
        // full jitter, but never less than half, so backoff still grows
        long ms = cap / 2 + random.nextLong(cap / 2 + 1);
        Duration d = Duration.ofMillis(ms);
        return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
    }

    /** Delay before the retry topic hands a record back after its {@code parkings}-th parking (1-based). */
    public Duration parkDelay(int parkings) {
        long ms = Math.min(parkMax.toMillis(), parkBase.toMillis() << Math.min(parkings - 1, 20));
        return Duration.ofMillis(ms);
    }
}
