package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    private static IndexedEvent routed(long offset, String project, String type, String name, String user,
                                       String messageId) {
        return new IndexedEvent(IndexedEvent.Status.ROUTED, "events." + type, 0, offset,
                Instant.ofEpochSecond(1000 + offset), project, type, name, user, null, messageId, "{}", null, null);
    }

    private static IndexedEvent rejected(long offset, String code) {
        return new IndexedEvent(IndexedEvent.Status.REJECTED, "events.rejected", 0, offset,
                Instant.ofEpochSecond(1000 + offset), "shop", "track", null, null, null, "r" + offset, "{}", null,
                new IndexedEvent.Failure(code, "why", "ingest-api", "0", null, null));
    }

    @Test
    void keepsOnlyTheLastCapacityEventsAndForgetsTheirMessageIds() {
        RecentEvents events = new RecentEvents(10);
        for (int i = 0; i < 25; i++) {
            events.add(routed(i, "shop", "track", "E", "u", "m" + i));
        }

        assertThat(events.newest(EventFilter.ALL, 100)).hasSize(10)
                .extracting(IndexedEvent::messageId).first().isEqualTo("m24");
        assertThat(events.path("m14").routed()).isEmpty();
        assertThat(events.path("m15").routed()).hasSize(1);
    }

    @Test
    void filtersByProjectTypeNameAndUserOrAnonymousId() {
        RecentEvents events = new RecentEvents(100);
        events.add(routed(1, "shop", "track", "Order", "u1", "a"));
        events.add(routed(2, "blog", "track", "Order", "u1", "b"));
        events.add(routed(3, "shop", "page", "Home", "u2", "c"));
        events.add(new IndexedEvent(IndexedEvent.Status.ROUTED, "events.identify", 0, 4, Instant.ofEpochSecond(1004),
                "shop", "identify", null, null, "anon-9", "d", "{}", null, null));

        assertThat(events.newest(new EventFilter("shop", null, null, null), 10)).extracting(IndexedEvent::messageId)
                .containsExactly("d", "c", "a");
        assertThat(events.newest(new EventFilter(null, "track", "Order", "u1"), 10))
                .extracting(IndexedEvent::messageId).containsExactly("b", "a");
        assertThat(events.newest(new EventFilter("", " ", null, "anon-9"), 10))
                .extracting(IndexedEvent::messageId).containsExactly("d");
    }

    @Test
    void countsRejectionsByReasonAndListsOneReason() {
        RecentEvents events = new RecentEvents(100);
        events.add(rejected(1, "no_user_anon_id"));
        events.add(rejected(2, "no_event_name"));
        events.add(rejected(3, "no_user_anon_id"));

        assertThat(events.rejectedReasons()).containsEntry("no_user_anon_id", 2).containsEntry("no_event_name", 1);
        assertThat(events.rejected("no_user_anon_id", 10)).extracting(IndexedEvent::offset).containsExactly(3L, 1L);
        assertThat(events.newest(EventFilter.ALL, 10)).hasSize(3);
    }

    @Test
    void tellsSubscribersOfNewEventsUntilTheyUnsubscribe() throws Exception {
        RecentEvents events = new RecentEvents(10);
        List<String> seen = new ArrayList<>();
        AutoCloseable sub = events.subscribe(e -> seen.add(e.messageId()));
        events.add(routed(1, "shop", "track", "E", "u", "one"));
        sub.close();
        events.add(routed(2, "shop", "track", "E", "u", "two"));

        assertThat(seen).containsExactly("one");
    }
}
