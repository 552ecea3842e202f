package dev.sluice.sink;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.ParkingHeaders;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/** Headers a parked record carries in the retry topic, and where every parked or dead record came from. */
final class RetryHeaders {

    // the names are a contract with the console (redrive, replay): they live in common-model
    static final String DUE_AT = ParkingHeaders.DUE_AT;
    static final String PARKINGS = ParkingHeaders.PARKINGS;
    static final String ORIGIN_TOPIC = ParkingHeaders.ORIGIN_TOPIC;
    static final String ORIGIN_PARTITION = ParkingHeaders.ORIGIN_PARTITION;
    static final String ORIGIN_OFFSET = ParkingHeaders.ORIGIN_OFFSET;

    private RetryHeaders() {
    }

    /** Restores the state of a record read back from the retry topic. */
    static void restore(PendingRecord p) {
        Headers h = p.record.headers();
        p.parkings = parseInt(EventHeaders.text(h, PARKINGS), 0);
        p.attempts = parseInt(EventHeaders.text(h, FailureHeaders.ATTEMPTS), 0);
        String first = EventHeaders.text(h, FailureHeaders.FIRST_FAILURE);
        p.firstFailure = first == null ? null : IsoInstant.parse(first).orElse(null);
        String due = EventHeaders.text(h, DUE_AT);
        p.notBeforeMillis = due == null ? 0 : IsoInstant.parse(due).map(Instant::toEpochMilli).orElse(0L);
    }

    /** Records where a record first came from, unless it already says (a record parked twice keeps its origin). */
    static void origin(Headers h, PendingRecord p) {
        if (h.lastHeader(ORIGIN_TOPIC) == null) {
            EventHeaders.put(h, ORIGIN_TOPIC, p.record.topic());
            EventHeaders.put(h, ORIGIN_PARTITION, Integer.toString(p.record.partition()));
            EventHeaders.put(h, ORIGIN_OFFSET, Long.toString(p.record.offset()));
        }
    }

    private static int parseInt(String s, int fallback) {
        try {
            return s == null ? fallback : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
