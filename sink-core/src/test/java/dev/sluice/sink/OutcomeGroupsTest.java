package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.DeliveryLogEntry.Event;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How one settlement's outcomes become delivery log entries: grouped, and split under the size cap. */
class OutcomeGroupsTest {

    private static Event event(String id) {
        return new Event(id, "proj", "track", 1_000, 1);
    }

    @Test
    void oneEntryPerOutcomeCodeAndReasonInTheOrderSeenWithTheEarliestNextAttempt() {
        OutcomeGroups g = new OutcomeGroups();
        g.add(Outcome.DELIVERED, null, null, 0, event("e1"));
        g.add(Outcome.RETRYING, "http_503", "unavailable", 2_000, event("e2"));
        g.add(Outcome.DELIVERED, null, null, 0, event("e3"));
        g.add(Outcome.RETRYING, "http_503", "unavailable", 1_500, event("e4"));
        g.add(Outcome.DEAD_LETTERED, "http_400", "bad a", 0, event("e5"));
        g.add(Outcome.DEAD_LETTERED, "http_400", "bad b", 0, event("e6"));
        g.add(Outcome.DISCARDED, "filtered", "excluded", 0, event("e7"));

        List<DeliveryLogEntry> entries = g.entries("sink-x", "grp", 5_000, DeliveryLog.MAX_ENTRY_BYTES);

        assertThat(g.events()).isEqualTo(7);
        assertThat(entries).extracting(DeliveryLogEntry::outcome).containsExactly(Outcome.DELIVERED,
                Outcome.RETRYING, Outcome.DEAD_LETTERED, Outcome.DEAD_LETTERED, Outcome.DISCARDED);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.sink()).isEqualTo("sink-x");
            assertThat(e.group()).isEqualTo("grp");
            assertThat(e.atMillis()).isEqualTo(5_000);
        });
        assertThat(entries.get(0).events()).extracting(Event::messageId).containsExactly("e1", "e3");
        assertThat(entries.get(0).code()).isNull();
        assertThat(entries.get(1).events()).extracting(Event::messageId).containsExactly("e2", "e4");
        assertThat(entries.get(1).nextAttemptAtMillis()).isEqualTo(1_500);
        assertThat(entries.get(2).reason()).isEqualTo("bad a");
        assertThat(entries.get(3).reason()).isEqualTo("bad b");
        assertThat(entries.get(4).code()).isEqualTo("filtered");
        assertThat(entries.get(4).nextAttemptAtMillis()).isZero();
    }

    @Test
    void splitsABigGroupIntoEntriesUnderTheCapKeepingEveryEventInOrder() {
        OutcomeGroups g = new OutcomeGroups();
        List<Event> all = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            // escaped quotes and control characters, two- three- and four-byte characters: the bound must hold for all
            String id = i % 7 == 0 ? "q\"\\\n\u0001-é€😀-" + i : UUID.randomUUID().toString();
            Event e = new Event(id, "project-" + (i % 3), "track", 1_764_000_000_000L + i, 1 + i % 4);
            all.add(e);
            g.add(Outcome.DELIVERED, null, null, 0, e);
        }
        int cap = 16 * 1024;

        List<DeliveryLogEntry> entries = g.entries("sink-x", "grp", 5_000, cap);

        assertThat(entries).hasSizeGreaterThan(10);
        List<Event> back = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            byte[] json = entries.get(i).toJson();
            assertThat(json.length).isLessThanOrEqualTo(cap);
            if (i < entries.size() - 1) {
                assertThat(json.length).as("entries are filled, not split needlessly").isGreaterThan(cap / 2);
            }
            back.addAll(DeliveryLogEntry.parse(json).events());
        }
        assertThat(back).isEqualTo(all);
    }

    @Test
    void anyBatchSizeStaysFarBelowKafkasDefaultMessageSize() {
        OutcomeGroups g = new OutcomeGroups();
        for (int i = 0; i < 100_000; i++) {
            g.add(Outcome.DELIVERED, null, null, 0, new Event(UUID.randomUUID().toString(), "project-with-a-long-name",
                    "identify", 1_764_000_000_000L + i, 1));
        }
        List<DeliveryLogEntry> entries = g.entries("sink-forwarder", "sluice-sink-forwarder", 5_000,
                DeliveryLog.MAX_ENTRY_BYTES);
        assertThat(entries).allSatisfy(e -> assertThat(e.toJson().length)
                .isLessThanOrEqualTo(DeliveryLog.MAX_ENTRY_BYTES).isLessThan(1024 * 1024 / 4));
        assertThat(entries.stream().mapToInt(e -> e.events().size()).sum()).isEqualTo(100_000);
    }

    @Test
    void aLongReasonIsCutButKeepsItsStart() {
        OutcomeGroups g = new OutcomeGroups();
        String reason = "HTTP 400: " + "x".repeat(OutcomeGroups.MAX_REASON_CHARS * 3);
        g.add(Outcome.DEAD_LETTERED, "http_400", reason, 0, event("e1"));
        DeliveryLogEntry e = g.entries("s", "g", 1, DeliveryLog.MAX_ENTRY_BYTES).get(0);
        assertThat(e.reason()).startsWith("HTTP 400: xxx").hasSize(OutcomeGroups.MAX_REASON_CHARS + 1);
    }

    @Test
    void anEventWithoutHeadersIsKeptWithWhatThereIs() {
        OutcomeGroups g = new OutcomeGroups();
        g.add(Outcome.DELIVERED, null, null, 0, new Event(null, "proj", null, 7, 1));
        DeliveryLogEntry e = DeliveryLogEntry.parse(g.entries("s", "g", 1, DeliveryLog.MAX_ENTRY_BYTES).get(0).toJson());
        assertThat(e.events()).containsExactly(new Event(null, "proj", null, 7, 1));
    }
}
