package dev.sluice.sink;

import java.time.Instant;

/**
 * What to do with a record after an attempt.
 *
 * @param at for {@link Kind#RETRY} when to try again in place; for {@link Kind#PARK} when the retry
 *           topic hands it back; null otherwise
 */
record RetryDecision(Kind kind, Instant at, String code, String reason) {

    /** The things that can happen to a record after an attempt. */
    enum Kind { SETTLED, DISCARD, RETRY, PARK, DEAD_LETTER }

    static final RetryDecision SETTLED = new RetryDecision(Kind.SETTLED, null, null, null);
}
