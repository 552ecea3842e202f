package dev.sluice.sink;

import java.time.Duration;
import java.util.List;

/**
 * How often the runtime may call the destination, adapted to its answers by additive increase /
 * multiplicative decrease: a call the destination throttled halves the call rate, a call that went
 * through raises it by one call a second, until the limit is gone. A destination failing whole calls
 * without throttling is down: it is probed ever less often (down to one call per {@link #MAX_GAP}),
 * and the first call it takes again lifts the limit. Starts unlimited.
 */
final class SendRate {

    /** Below this gap between calls the limit is off: the loop itself is slower than that. */
    private static final double UNLIMITED_BELOW_MS = 2;
    /** The slowest it gets: a destination that is down still gets a call every 5 s, to find it back. */
    static final Duration MAX_GAP = Duration.ofSeconds(5);
    /** Calls smaller than this neither slow nor speed the rate. */
    static final int MIN_SIGNAL_RECORDS = 10;

    private final long maxGapMillis;
    private double gapMillis;
    private long lastCallMillis = -1;
    private long nextCallMillis;
    private boolean down;

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
        Signal signal = signal(results);
        if (signal != Signal.NONE) {
            // halve the rate actually achieved, not only the allowed one, so an unlimited start slows at once
            double base = gapMillis == 0 ? Math.max(observedGap, 10) : Math.max(gapMillis, Math.min(observedGap, maxGapMillis));
            gapMillis = Math.min(maxGapMillis, base * 2);
            down = signal == Signal.DOWN;
        } else if (down && results.size() >= MIN_SIGNAL_RECORDS) {
            // it was down, not overloaded: once it answers again the backlog goes at full speed
            down = false;
            gapMillis = 0;
        } else if (gapMillis > 0 && results.size() >= MIN_SIGNAL_RECORDS) {
            double rate = 1000.0 / gapMillis + 1;
            gapMillis = 1000.0 / rate;
            if (gapMillis < UNLIMITED_BELOW_MS) {
                gapMillis = 0;
            }
        }
        nextCallMillis = startMillis + (long) gapMillis;
    }

    /** What a call's answers say about the destination. */
    private enum Signal { NONE, THROTTLED, DOWN }

    /**
     * Throttled for most of its records, or failed in whole without throttling (down). A small call
     * says little about the destination (one in five records failing at random fails most of a
     * three-record call one time in ten), and its records' own backoff and Retry-After still apply.
     */
    private static Signal signal(List<Delivery> results) {
        if (results.size() < MIN_SIGNAL_RECORDS) {
            return Signal.NONE;
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
        if (throttled * 2 > results.size()) {
            return Signal.THROTTLED;
        }
        return failed == results.size() ? Signal.DOWN : Signal.NONE;
    }
}
