package dev.sluice.model;

import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Headers a record carries in a sink group's retry topic (when it is due, how often it was parked) and
 * where a parked or dead-lettered record came from; and the rule that sends a record back to a live
 * group as if it were new. A contract between sink-core, which writes and reads them, and the console,
 * which redrives DLQ records and replays ranges through the retry topic.
 */
public final class ParkingHeaders {

    public static final String DUE_AT = "sluice.retry.due-at";
    public static final String PARKINGS = "sluice.retry.parkings";
    public static final String ORIGIN_TOPIC = "sluice.origin.topic";
    public static final String ORIGIN_PARTITION = "sluice.origin.partition";
    public static final String ORIGIN_OFFSET = "sluice.origin.offset";
    /** When the console sent the record back to its group (redrive or replay): for a person reading the topic. */
    public static final String REDRIVEN_AT = "sluice.redriven-at";

    private ParkingHeaders() {
    }

    /**
     * The headers of a record sent back to a live group through its retry topic: the original headers
     * (project, type, messageId, origin) with every attempt, parking and failure header dropped, due
     * {@code now}. The sink then counts attempts and the maximum age from zero, as for a fresh record.
     */
    public static Headers resetForRedrive(Headers original, Instant now) {
        RecordHeaders h = new RecordHeaders();
        for (Header header : original) {
            String name = header.key();
            if (!name.startsWith("sluice.error.") && !name.startsWith("sluice.retry.")
                    && !name.equals(REDRIVEN_AT)) {
                h.add(header);
            }
        }
        EventHeaders.put(h, DUE_AT, IsoInstant.format(now));
        EventHeaders.put(h, REDRIVEN_AT, IsoInstant.format(now));
        return h;
    }
}
