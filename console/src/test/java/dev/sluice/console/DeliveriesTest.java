package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.DeliveryLogEntry.Event;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveriesTest {

    private static final long T0 = Instant.parse("2026-11-29T18:00:00Z").toEpochMilli();
    private static final String HOOK = "sluice-sink-webhook.crm";
    private static final String SEGMENT = "sluice-sink-forwarder";

    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(T0 + 4 * 60_000 + 30_000), ZoneOffset.UTC);

    private static DeliveryLogEntry entry(String group, Outcome outcome, long at, String code, long next,
                                          Event... events) {
        String sink = group.startsWith("sluice-sink-webhook") ? "sink-webhook" : "sink-forwarder";
        return new DeliveryLogEntry(sink, group, outcome, at, code, code == null ? null : "because " + code, next,
                List.of(events));
    }

    private static Event ev(String id, long ts, int attempts) {
        return new Event(id, "shop", "track", ts, attempts);
    }

    @Test
    void keepsEachMessagesLatestStatusPerGroup() {
        Deliveries d = new Deliveries(100, clock);
        d.add(entry(HOOK, Outcome.RETRYING, T0 + 100, "http_503", T0 + 1_100, ev("m-1", T0, 1), ev("m-2", T0, 1)));
        d.add(entry(SEGMENT, Outcome.DELIVERED, T0 + 40, null, 0, ev("m-1", T0, 1)));
        d.add(entry(HOOK, Outcome.DELIVERED, T0 + 1_250, null, 0, ev("m-1", T0, 2)));
        d.add(entry(HOOK, Outcome.PARKED, T0 + 60_000, "http_503", T0 + 90_000, ev("m-2", T0, 9)));

        var m1 = d.of("m-1");
        assertThat(m1).containsOnlyKeys(HOOK, SEGMENT);
        assertThat(m1.get(HOOK).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(m1.get(HOOK).attempts()).isEqualTo(2);
        assertThat(m1.get(HOOK).latencyMillis()).isEqualTo(1_250);
        assertThat(m1.get(SEGMENT).latencyMillis()).isEqualTo(40);
        var m2 = d.of("m-2").get(HOOK);
        assertThat(m2.outcome()).isEqualTo(Outcome.PARKED);
        assertThat(m2.nextAttemptAtMillis()).isEqualTo(T0 + 90_000);
        assertThat(m2.code()).isEqualTo("http_503");
        assertThat(d.of("m-unknown")).isEmpty();
    }

    @Test
    void anOlderEntryReadLaterDoesNotHideTheNewerStatus() {
        Deliveries d = new Deliveries(100, clock);
        d.add(entry(HOOK, Outcome.DELIVERED, T0 + 500, null, 0, ev("m-1", T0, 2)));
        d.add(entry(HOOK, Outcome.RETRYING, T0 + 100, "http_503", T0 + 400, ev("m-1", T0, 1)));

        assertThat(d.of("m-1").get(HOOK).outcome()).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void forgetsTheOldestMessageIdsBeyondItsCapacity() {
        Deliveries d = new Deliveries(3, clock);
        for (int i = 0; i < 5; i++) {
            d.add(entry(SEGMENT, Outcome.DELIVERED, T0 + i, null, 0, ev("m-" + i, T0, 1)));
        }
        // m-1 is touched again: it is recent now
        d.add(entry(HOOK, Outcome.DELIVERED, T0 + 10, null, 0, ev("m-2", T0, 1)));

        assertThat(d.size()).isEqualTo(3);
        assertThat(d.of("m-0")).isEmpty();
        assertThat(d.of("m-1")).isEmpty();
        assertThat(d.of("m-2")).containsOnlyKeys(SEGMENT, HOOK);
        assertThat(d.of("m-4")).isNotEmpty();
    }

    @Test
    void countsOutcomesPerMinuteAndTakesLatencyPercentilesAndLastErrors() {
        Deliveries d = new Deliveries(1000, clock);
        List<Event> batch = new ArrayList<>();
        for (int i = 1; i <= 100; i++) { // latencies 10 ms … 1000 ms
            batch.add(ev("m-" + i, T0 + 60_000 - i * 10L, 1));
        }
        d.add(new DeliveryLogEntry("sink-forwarder", SEGMENT, Outcome.DELIVERED, T0 + 60_000, null, null, 0, batch));
        d.add(entry(SEGMENT, Outcome.DEAD_LETTERED, T0 + 120_000, "http_400", 0, ev("p-1", T0, 1)));
        d.add(entry(SEGMENT, Outcome.DISCARDED, T0 + 120_500, "no_write_key", 0, ev("x-1", T0, 1), ev("x-2", T0, 1)));
        d.add(entry(SEGMENT, Outcome.RETRYING, T0 + 180_000, "http_500", T0 + 181_000, ev("r-1", T0, 1)));
        // older than the last five minutes: in the minutes kept, not in the rate
        d.add(entry(SEGMENT, Outcome.DELIVERED, T0 - 5 * 60_000, null, 0, ev("old", T0 - 5 * 60_000 - 2_000, 1)));

        Deliveries.GroupView v = d.group(SEGMENT);

        assertThat(v.sink()).isEqualTo("sink-forwarder");
        assertThat(v.lastFiveMinutes().get(Outcome.DELIVERED)).isEqualTo(100);
        assertThat(v.lastFiveMinutes().get(Outcome.DEAD_LETTERED)).isEqualTo(1);
        assertThat(v.lastFiveMinutes().get(Outcome.DISCARDED)).isEqualTo(2);
        assertThat(v.lastFiveMinutes().get(Outcome.RETRYING)).isEqualTo(1);
        assertThat(v.minutes()).hasSize(10);
        assertThat(v.minutes().get(9).startMillis()).isEqualTo(T0 + 4 * 60_000);
        assertThat(v.minutes().get(6).counts()[Outcome.DELIVERED.ordinal()]).isEqualTo(100);
        assertThat(v.minutes().get(0).counts()[Outcome.DELIVERED.ordinal()]).isEqualTo(1);
        // 10, 20, … 1000 ms and the old one's 2000 ms (within the 15 minutes the percentiles cover)
        assertThat(v.latencySamples()).isEqualTo(101);
        assertThat(v.p50Millis()).isEqualTo(510);
        assertThat(v.p95Millis()).isEqualTo(960);
        assertThat(v.lastErrors()).extracting(Deliveries.Failure::code).containsExactly("http_500", "http_400");
        assertThat(d.group("nobody")).isNull();
    }

    @Test
    void knowsAGroupsSinkFromTheLogOrItsDefaultName() {
        Deliveries d = new Deliveries(10, clock);
        d.add(new DeliveryLogEntry("sink-forwarder", "aio-segment", Outcome.DELIVERED, T0, null, null, 0, List.of()));

        assertThat(d.sinkOf("aio-segment")).isEqualTo("sink-forwarder");
        assertThat(d.sinkOf("sluice-sink-webhook.crm")).isEqualTo("sink-webhook");
        assertThat(d.sinkOf("sluice-sink-firehose")).isEqualTo("sink-firehose");
        assertThat(d.sinkOf("someone-else")).isNull();
    }

    @Test
    void countsDeliveriesOfAReplaysRangeSinceItStarted() {
        Deliveries d = new Deliveries(10, clock);
        d.add(entry(SEGMENT, Outcome.DELIVERED, T0 + 10, null, 0, ev("a", T0 - 5_000, 1), ev("b", T0 - 1_000, 1)));
        d.add(entry(SEGMENT, Outcome.DELIVERED, T0 - 10, null, 0, ev("c", T0 - 5_000, 1)));
        d.add(entry(HOOK, Outcome.DELIVERED, T0 + 10, null, 0, ev("d", T0 - 5_000, 1)));

        assertThat(d.deliveredSince(SEGMENT, T0, T0 - 6_000, T0 - 2_000)).isEqualTo(1);
        assertThat(d.deliveredSince(SEGMENT, T0, T0 - 6_000, T0)).isEqualTo(2);
    }
}
