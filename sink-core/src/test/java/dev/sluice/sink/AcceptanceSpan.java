package dev.sluice.sink;

import java.util.Collection;
import java.util.function.ToLongFunction;

/**
 * When a stand-in accepted the first and the last event of a drain: the drain timed at the destination, so
 * the consumer group's join before the first delivery is not counted.
 */
public record AcceptanceSpan(long firstMillis, long lastMillis) {

    /** The span of {@code accepted}, each accepted at {@code atMillis}; there must be at least one. */
    public static <T> AcceptanceSpan of(Collection<T> accepted, ToLongFunction<T> atMillis) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (T a : accepted) {
            long at = atMillis.applyAsLong(a);
            first = Math.min(first, at);
            last = Math.max(last, at);
        }
        if (accepted.isEmpty()) {
            throw new IllegalStateException("the stand-in accepted nothing");
        }
        return new AcceptanceSpan(first, last);
    }

    /** At least 1, so a rate over it is finite. */
    public long millis() {
        return Math.max(1, lastMillis - firstMillis);
    }

    /** {@code events} over the span, per second. */
    public double perSecond(long events) {
        return events / (millis() / 1000.0);
    }
}
