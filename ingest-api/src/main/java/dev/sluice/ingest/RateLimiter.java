package dev.sluice.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (a project, a client address): {@code perSecond} requests a second on
 * average with bursts of one second's worth. Answers how long to wait when the bucket is empty.
 * Buckets that have refilled are dropped once there are many, so a flood of distinct keys (an
 * attacker rotating addresses) cannot grow it without bound.
 */
public final class RateLimiter {

    /** Keys tracked before refilled buckets are swept out. */
    static final int SWEEP_ABOVE = 50_000;

    private final double perSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perSecond requests per second per key; 0 turns limiting off */
    public RateLimiter(double perSecond) {
        this.perSecond = perSecond;
    }

    /** Takes a token: 0 if the request may go ahead, else the whole seconds to wait (at least 1). */
    public long acquire(String key, long nowNanos) {
        if (perSecond <= 0) {
            return 0;
        }
        if (buckets.size() > SWEEP_ABOVE) {
            sweep(nowNanos);
        }
        return buckets.computeIfAbsent(key, p -> new Bucket(perSecond, nowNanos)).take(nowNanos, true);
    }

    /** Like {@link #acquire} but takes nothing: whether this key is out of tokens right now. */
    public long waitFor(String key, long nowNanos) {
        if (perSecond <= 0) {
            return 0;
        }
        Bucket bucket = buckets.get(key);
        return bucket == null ? 0 : bucket.take(nowNanos, false);
    }

    int trackedKeys() {
        return buckets.size();
    }

    private void sweep(long nowNanos) {
        buckets.entrySet().removeIf(e -> e.getValue().full(nowNanos));
    }

    private static final class Bucket {
        private final double ratePerNano;
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(double perSecond, long now) {
            this.ratePerNano = perSecond / 1e9;
            this.capacity = Math.max(1, perSecond);
            this.tokens = capacity;
            this.last = now;
        }

        synchronized long take(long now, boolean consume) {
            tokens = Math.min(capacity, tokens + (now - last) * ratePerNano);
            last = now;
            if (tokens >= 1) {
                if (consume) {
                    tokens -= 1;
                }
                return 0;
            }
            double nanosToWait = (1 - tokens) / ratePerNano;
            return Math.max(1, (long) Math.ceil(nanosToWait / 1e9));
        }

        synchronized boolean full(long now) {
            return tokens + (now - last) * ratePerNano >= capacity;
        }
    }
}
