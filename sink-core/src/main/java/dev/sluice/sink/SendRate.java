package dev.sluice.sink;

import java.time.Duration;
import java.util.List;

/**
 * How often the runtime may call the destination, adapted to its answers by additive increase /
 * multiplicative decrease: a call the destination throttled, or one that failed whole (it is down),
 * halves the call rate; a call that went through raises it by one call a second, until the limit is
 * gone. Starts unlimited.
 */
final class SendRate {

    /** Below this gap between calls the limit is off: the loop itself is slower than that. */
    private static final double UNLIMITED_BELOW_MS = 2;
    /** Calls smaller than this neither slow nor speed the rate. */
    static final int MIN_SIGNAL_RECORDS = 10;

    private final long maxGapMillis;
    private double gapMillis;
    private long lastCallMillis = -1;
    private long nextCallMillis;

    /** @param maxGap the slowest it ever gets: one call every {@code maxGap} */
    SendRate(Duration maxGap) {
        this.maxGapMillis = Math.max(1, maxGap.toMillis());
    }

    /** When the next call may start. */
    long nextCallMillis() {
        return nextCallMillis;
    }

    /** Calls a second allowed now, or {@code Double.POSITIVE_INFINITY} when unlimited. */
    double callsPerSecond() {
        return gapMillis == 0 ? Double.POSITIVE_INFINITY : 1000.0 / gapMillis;
    }

    /** Adapts to the answers of a call that started at {@code startMillis}. */
    void answered(long startMillis, List<Delivery> results) {
        long observedGap = lastCallMillis < 0 ? 0 : Math.max(1, startMillis - lastCallMillis);
        lastCallMillis = startMillis;
        if (pushBack(results)) {
            // halve the rate actually achieved, not only the allowed one, so an unlimited start slows at once
            double base = gapMillis == 0 ? Math.max(observedGap, 10) : Math.max(gapMillis, Math.min(observedGap, maxGapMillis));
            gapMillis = Math.min(maxGapMillis, base * 2);
        } else if (gapMillis > 0 && results.size() >= MIN_SIGNAL_RECORDS) {
            double rate = 1000.0 / gapMillis + 1;
            gapMillis = 1000.0 / rate;
            if (gapMillis < UNLIMITED_BELOW_MS) {
                gapMillis = 0;
            }
        }
        nextCallMillis = startMillis + (long) gapMillis;
    }

    /**
     * Throttled for most of its records, or failed in whole. A small call says little about the
     * destination (one in five records failing at random fails most of a three-record call one time
     * in ten), and its records' own backoff and Retry-After still apply.
     */
    static boolean pushBack(List<Delivery> results) {
        if (results.size() < MIN_SIGNAL_RECORDS) {
            return false;
        }
        int throttled = 0;
        int failed = 0;
        for (Delivery d : results) {
            if (d.outcome() == Delivery.Outcome.TRANSIENT) {
                failed++;
                if (d.throttled()) {
                    throttled++;
                }
            }
        }
        return failed == results.size() || throttled * 2 > results.size();
    }
}
