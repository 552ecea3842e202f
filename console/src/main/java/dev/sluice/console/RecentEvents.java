package dev.sluice.console;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The console's bounded memory of recent events, routed, rejected and as received, and the live feed of
 * new ones. Kafka stays the store: what falls out of here is still in the topics.
 */
final class RecentEvents {

    /** Newest first; offsets break ties within a millisecond. */
    static final Comparator<IndexedEvent> NEWEST_FIRST = Comparator.comparing(IndexedEvent::time)
            .thenComparingLong(IndexedEvent::offset).reversed();

    private final BoundedIndex<IndexedEvent> routed;
    private final BoundedIndex<IndexedEvent> rejected;
    private final BoundedIndex<ReceivedEvent> received;
    private final List<Consumer<IndexedEvent>> listeners = new CopyOnWriteArrayList<>();

    RecentEvents(int capacity) {
        this.routed = new BoundedIndex<>(capacity, IndexedEvent::messageId);
        this.rejected = new BoundedIndex<>(capacity, IndexedEvent::messageId);
        this.received = new BoundedIndex<>(capacity, ReceivedEvent::messageId);
    }

    void add(IndexedEvent event) {
        (event.status() == IndexedEvent.Status.ROUTED ? routed : rejected).add(event);
        for (Consumer<IndexedEvent> l : listeners) {
            l.accept(event);
        }
    }

    void add(ReceivedEvent event) {
        received.add(event);
    }

    /** Events kept: routed, rejected, received. */
    int[] sizes() {
        return new int[] {routed.size(), rejected.size(), received.size()};
    }

    /** Calls {@code listener} with every event added from now on, on the adding thread, until closed. */
    AutoCloseable subscribe(Consumer<IndexedEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Routed and rejected events matching {@code filter}, newest first. */
    List<IndexedEvent> newest(EventFilter filter, int limit) {
        List<IndexedEvent> a = routed.find(filter, NEWEST_FIRST, limit);
        List<IndexedEvent> b = rejected.find(filter, NEWEST_FIRST, limit);
        return java.util.stream.Stream.concat(a.stream(), b.stream()).sorted(NEWEST_FIRST).limit(limit).toList();
    }

    /** Rejected events, of one reason code or all (null), newest first. */
    List<IndexedEvent> rejected(String code, int limit) {
        return rejected.find(e -> code == null || code.equals(e.failure().code()), NEWEST_FIRST, limit);
    }

    /** How many kept rejected events have each reason code. */
    Map<String, Integer> rejectedReasons() {
        Map<String, Integer> counts = new TreeMap<>();
        for (IndexedEvent e : rejected.find(e -> true, NEWEST_FIRST, Integer.MAX_VALUE)) {
            counts.merge(e.failure().code(), 1, Integer::sum);
        }
        return counts;
    }

    /** What the console knows of one messageId: as received, routed, rejected. */
    EventPath path(String messageId) {
        return new EventPath(messageId, received.get(messageId), routed.get(messageId), rejected.get(messageId));
    }

    /** One event by {@code topic/partition/offset}, or null when not kept. */
    IndexedEvent byId(String id) {
        List<IndexedEvent> found = routed.find(e -> e.id().equals(id), NEWEST_FIRST, 1);
        if (found.isEmpty()) {
            found = rejected.find(e -> e.id().equals(id), NEWEST_FIRST, 1);
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * Everything kept about one messageId. A messageId is unique per project, so several projects may
     * each have one.
     */
    record EventPath(String messageId, List<ReceivedEvent> received, List<IndexedEvent> routed,
                     List<IndexedEvent> rejected) {
    }
}
