package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ParkingHeadersTest {

    private static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");

    /** Headers of a record dead-lettered after two parkings, as sink-core writes them. */
    private static Headers deadLettered() {
        Headers h = new RecordHeaders();
        EventHeaders.put(h, EventHeaders.PROJECT, "shop");
        EventHeaders.put(h, EventHeaders.TYPE, "track");
        EventHeaders.put(h, EventHeaders.MESSAGE_ID, "m-1");
        new FailureHeaders("http_400", "invalid event m-1", "sink-forwarder", 7,
                Instant.parse("2026-11-28T10:00:00Z"), Instant.parse("2026-11-29T10:00:00Z")).writeTo(h);
        EventHeaders.put(h, ParkingHeaders.PARKINGS, "2");
        EventHeaders.put(h, ParkingHeaders.DUE_AT, "2026-11-29T09:00:00.000Z");
        EventHeaders.put(h, ParkingHeaders.ORIGIN_TOPIC, "sluice.events.track");
        EventHeaders.put(h, ParkingHeaders.ORIGIN_PARTITION, "3");
        EventHeaders.put(h, ParkingHeaders.ORIGIN_OFFSET, "42");
        return h;
    }

    @Test
    void aRedrivenRecordKeepsWhatItIsAndWhereItCameFromAndForgetsItsFailures() {
        Headers original = deadLettered();

        Headers reset = ParkingHeaders.resetForRedrive(original, NOW);

        assertThat(EventHeaders.text(reset, EventHeaders.PROJECT)).isEqualTo("shop");
        assertThat(EventHeaders.text(reset, EventHeaders.TYPE)).isEqualTo("track");
        assertThat(EventHeaders.text(reset, EventHeaders.MESSAGE_ID)).isEqualTo("m-1");
        assertThat(EventHeaders.text(reset, ParkingHeaders.ORIGIN_TOPIC)).isEqualTo("sluice.events.track");
        assertThat(EventHeaders.text(reset, ParkingHeaders.ORIGIN_PARTITION)).isEqualTo("3");
        assertThat(EventHeaders.text(reset, ParkingHeaders.ORIGIN_OFFSET)).isEqualTo("42");
        for (String gone : List.of(FailureHeaders.CODE, FailureHeaders.REASON, FailureHeaders.STAGE,
                FailureHeaders.ATTEMPTS, FailureHeaders.FIRST_FAILURE, FailureHeaders.LAST_FAILURE,
                ParkingHeaders.PARKINGS)) {
            assertThat(reset.lastHeader(gone)).as(gone).isNull();
        }
        assertThat(EventHeaders.text(reset, ParkingHeaders.DUE_AT)).isEqualTo("2026-11-29T18:00:00.000Z");
        assertThat(IsoInstant.parse(EventHeaders.text(reset, ParkingHeaders.DUE_AT))).contains(NOW);
        assertThat(EventHeaders.text(reset, ParkingHeaders.REDRIVEN_AT)).isEqualTo("2026-11-29T18:00:00.000Z");
        // the original is left as it was (it is the DLQ's record)
        assertThat(EventHeaders.text(original, FailureHeaders.CODE)).isEqualTo("http_400");
    }

    @Test
    void redrivingTwiceLeavesOneOfEachHeader() {
        Headers once = ParkingHeaders.resetForRedrive(deadLettered(), NOW);
        Headers twice = ParkingHeaders.resetForRedrive(once, NOW.plusSeconds(60));

        List<String> names = new ArrayList<>();
        for (Header h : twice) {
            names.add(h.key());
        }
        assertThat(names).doesNotHaveDuplicates();
        assertThat(EventHeaders.text(twice, ParkingHeaders.DUE_AT)).isEqualTo("2026-11-29T18:01:00.000Z");
    }
}
