package dev.sluice.sink;

import java.time.Duration;

/**
 * What became of one record of a batch.
 *
 * @param retryAfter for a transient failure, the destination's requested wait (429 Retry-After), or null
 */
public record Delivery(Outcome outcome, String code, String reason, Duration retryAfter) {

    /** The three fates of a record. */
    public enum Outcome { DELIVERED, TRANSIENT, PERMANENT }

    private static final Delivery DELIVERED = new Delivery(Outcome.DELIVERED, null, null, null);

    public static Delivery delivered() {
        return DELIVERED;
    }

    /** Will likely succeed later: retried in place, then parked in the retry topic. */
    public static Delivery transientFailure(String code, String reason) {
        return new Delivery(Outcome.TRANSIENT, code, reason, null);
    }

    public static Delivery transientFailure(String code, String reason, Duration retryAfter) {
        return new Delivery(Outcome.TRANSIENT, code, reason, retryAfter);
    }

    /** Will never succeed as it is: straight to the DLQ with the reason. */
    public static Delivery permanentFailure(String code, String reason) {
        return new Delivery(Outcome.PERMANENT, code, reason, null);
    }
}
