package dev.sluice.sink;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.DeliveryLogEntry.Event;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one settlement did, grouped by outcome, code and reason: each group becomes one delivery log entry, or
 * several when its events would make an entry larger than the cap.
 */
final class OutcomeGroups {

    /** A reason longer than this is cut in the log (the DLQ record keeps it whole). */
    static final int MAX_REASON_CHARS = 1000;
    /** JSON of one event without its strings: {@code {"id":"","p":"","t":"","ts":<20 digits>,"n":<11 digits>},}. */
    private static final int EVENT_OVERHEAD_BYTES = 35 + 20 + 11;

    private record Key(Outcome outcome, String code, String reason) {
    }

    private static final class Group {
        long nextAttemptAtMillis;
        final List<Event> events = new ArrayList<>();
    }

    private final Map<Key, Group> groups = new LinkedHashMap<>();
    private int events;

    /**
     * @param nextAttemptAtMillis when the event is due again (0: never); a group's entry gives its earliest
     */
    void add(Outcome outcome, String code, String reason, long nextAttemptAtMillis, Event event) {
        Group g = groups.computeIfAbsent(new Key(outcome, code, cut(reason)), k -> new Group());
        if (nextAttemptAtMillis > 0 && (g.nextAttemptAtMillis == 0 || nextAttemptAtMillis < g.nextAttemptAtMillis)) {
            g.nextAttemptAtMillis = nextAttemptAtMillis;
        }
        g.events.add(event);
        events++;
    }

    boolean isEmpty() {
        return events == 0;
    }

    /** Events in all groups. */
    int events() {
        return events;
    }

    /** Groups, the fewest entries they make. */
    int groups() {
        return groups.size();
    }

    /**
     * The entries, each at most {@code maxEntryBytes} of JSON unless one event alone is larger; events keep the
     * order they were added in.
     */
    List<DeliveryLogEntry> entries(String sink, String group, long atMillis, int maxEntryBytes) {
        List<DeliveryLogEntry> out = new ArrayList<>();
        for (Map.Entry<Key, Group> e : groups.entrySet()) {
            Key k = e.getKey();
            Group g = e.getValue();
            int base = new DeliveryLogEntry(sink, group, k.outcome(), atMillis, k.code(), k.reason(),
                    g.nextAttemptAtMillis, List.of()).toJson().length;
            List<Event> chunk = new ArrayList<>();
            long size = base;
            for (Event ev : g.events) {
                long bytes = bound(ev);
                if (!chunk.isEmpty() && size + bytes > maxEntryBytes) {
                    out.add(new DeliveryLogEntry(sink, group, k.outcome(), atMillis, k.code(), k.reason(),
                            g.nextAttemptAtMillis, chunk));
                    chunk = new ArrayList<>();
                    size = base;
                }
                chunk.add(ev);
                size += bytes;
            }
            out.add(new DeliveryLogEntry(sink, group, k.outcome(), atMillis, k.code(), k.reason(),
                    g.nextAttemptAtMillis, chunk));
        }
        return out;
    }

    /** An upper bound of an event's JSON bytes in an entry, its comma included. */
    static long bound(Event e) {
        return EVENT_OVERHEAD_BYTES + jsonBytes(e.messageId()) + jsonBytes(e.projectId()) + jsonBytes(e.type());
    }

    /** An upper bound of a string's UTF-8 bytes once escaped in JSON. */
    private static long jsonBytes(String s) {
        if (s == null) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                n += 6;
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                n += 2; // a surrogate pair is 4 bytes in UTF-8, 2 per half
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String cut(String reason) {
        if (reason == null || reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        int end = Character.isHighSurrogate(reason.charAt(MAX_REASON_CHARS - 1)) ? MAX_REASON_CHARS - 1
                : MAX_REASON_CHARS;
        return reason.substring(0, end) + "…";
    }
}
