package dev.sluice.sink;

import java.time.Duration;

/**
 * What became of one record of a batch.
 *
 * @param retryAfter for a transient failure, the destination's requested wait (429 Retry-After), or null
 * @param throttled for a transient failure, whether the destination said it is being sent too much
 *                  (429, Firehose throttling): the runtime then sends it less instead of parking
 */
public record Delivery(Outcome outcome, String code, String reason, Duration retryAfter, boolean throttled) {

    /** The fates of a record. */
    public enum Outcome { DELIVERED, TRANSIENT, PERMANENT, DISCARDED }

    private static final Delivery DELIVERED = new Delivery(Outcome.DELIVERED, null, null, null, false);

    public static Delivery delivered() {
        return DELIVERED;
    }

    /** Will likely succeed later: retried in place, parked in the retry topic only if it keeps failing. */
    public static Delivery transientFailure(String code, String reason) {
        return new Delivery(Outcome.TRANSIENT, code, reason, null, false);
    }

    public static Delivery transientFailure(String code, String reason, Duration retryAfter) {
        return new Delivery(Outcome.TRANSIENT, code, reason, retryAfter, false);
    }

    /** The destination is taking too much from us: retried in place, and the send rate is lowered. */
    public static Delivery throttled(String code, String reason, Duration retryAfter) {
        return new Delivery(Outcome.TRANSIENT, code, reason, retryAfter, true);
    }

    /**
     * This destination has no use for the record (an identify without email for a mailing list):
     * settled, counted with its code, never retried and not dead-lettered, since no fix would change it.
     */
    public static Delivery discarded(String code, String reason) {
        return new Delivery(Outcome.DISCARDED, code, reason, null, false);
    }

    /** Will never succeed as it is: straight to the DLQ with the reason. */
    public static Delivery permanentFailure(String code, String reason) {
        return new Delivery(Outcome.PERMANENT, code, reason, null, false);
    }
}
