package dev.sluice.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per project: {@code perSecond} requests a second on average with bursts of one
 * second's worth. Answers how long to wait when the bucket is empty.
 */
public final class RateLimiter {

    private final double perSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perSecond requests per second per project; 0 turns limiting off */
    public RateLimiter(double perSecond) {
        this.perSecond = perSecond;
    }

    /** 0 if the request may go ahead, else the whole seconds to wait before retrying (at least 1). */
    public long acquire(String project, long nowNanos) {
        if (perSecond <= 0) {
            return 0;
        }
        return buckets.computeIfAbsent(project, p -> new Bucket(perSecond, nowNanos)).take(nowNanos);
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

        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * ratePerNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double nanosToWait = (1 - tokens) / ratePerNano;
            return Math.max(1, (long) Math.ceil(nanosToWait / 1e9));
        }
    }
}
