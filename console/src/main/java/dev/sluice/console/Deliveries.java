package dev.sluice.console;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import dev.sluice.model.Topics;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the console read from the delivery log: each recent messageId's latest status in every sink group
 * (bounded by a count of messageIds, the oldest forgotten first), and per group the outcomes per minute,
 * delivery latencies and last errors. Kafka stays the store: what falls out of here is still in the log.
 */
final class Deliveries {

    /** Minutes of per-minute outcome counts kept per group. */
    static final int MINUTES_KEPT = 60;
    /** Delivered events' latencies kept per group for the percentiles. */
    static final int LATENCIES_KEPT = 10_000;
    /** Failures kept per group for "last errors". */
    static final int ERRORS_KEPT = 20;

    private final int capacity;
    private final Clock clock;
    private final LinkedHashMap<String, Map<String, Status>> byMessage = new LinkedHashMap<>();
    private final Map<String, GroupStats> groups = new TreeMap<>();
    private final List<Consumer<DeliveryLogEntry>> listeners = new CopyOnWriteArrayList<>();

    /** @param capacity messageIds kept */
    Deliveries(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** One event's latest status in one group. */
    record Status(String group, String sink, Outcome outcome, long atMillis, String code, String reason,
                  long nextAttemptAtMillis, int attempts, long timestampMillis, String projectId, String type) {

        /** From the log's timestamp of the record (ingest's append time) to the outcome. */
        long latencyMillis() {
            return Math.max(0, atMillis - timestampMillis);
        }
    }

    /** One failure, for "last errors". */
    record Failure(Outcome outcome, long atMillis, String code, String reason, int events, String firstMessageId) {
    }

    /** A group's figures at one moment. */
    record GroupView(String group, String sink, long lastAtMillis, Map<Outcome, Long> lastFiveMinutes,
                     List<Minute> minutes, Long p50Millis, Long p95Millis, int latencySamples,
                     List<Failure> lastErrors) {
    }

    /** Events per outcome in one minute (start, epoch millis). */
    record Minute(long startMillis, long[] counts) {
    }

    void add(DeliveryLogEntry entry) {
        if (entry.group() == null) {
            return;
        }
        synchronized (this) {
            GroupStats stats = groups.computeIfAbsent(entry.group(), g -> new GroupStats());
            stats.add(entry);
            for (DeliveryLogEntry.Event e : entry.events()) {
                if (e.messageId() == null) {
                    continue;
                }
                Map<String, Status> statuses = byMessage.remove(e.messageId()); // re-put: newest last
                if (statuses == null) {
                    statuses = new TreeMap<>();
                }
                Status previous = statuses.get(entry.group());
                if (previous == null || previous.atMillis() <= entry.atMillis()) {
                    statuses.put(entry.group(), new Status(entry.group(), entry.sink(), entry.outcome(),
                            entry.atMillis(), entry.code(), entry.reason(), entry.nextAttemptAtMillis(), e.attempts(),
                            e.timestampMillis(), e.projectId(), e.type()));
                }
                byMessage.put(e.messageId(), statuses);
                if (byMessage.size() > capacity) {
                    Iterator<String> oldest = byMessage.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
            }
        }
        for (Consumer<DeliveryLogEntry> l : listeners) {
            l.accept(entry);
        }
    }

    /** Calls {@code listener} with every entry added from now on, on the adding thread, until closed. */
    AutoCloseable subscribe(Consumer<DeliveryLogEntry> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The latest status of a messageId in each group that logged it, by group; empty when not kept. */
    synchronized Map<String, Status> of(String messageId) {
        Map<String, Status> s = byMessage.get(messageId);
        return s == null ? Map.of() : Map.copyOf(s);
    }

    /** messageIds kept. */
    synchronized int size() {
        return byMessage.size();
    }

    /** The groups seen in the log, by name. */
    synchronized List<String> groupNames() {
        return List.copyOf(groups.keySet());
    }

    /**
     * The sink a group belongs to: as the log says, else from the default naming ({@code sluice-<sink>} or
     * {@code sluice-<sink>.<unit>}); null when neither tells.
     */
    synchronized String sinkOf(String group) {
        GroupStats s = groups.get(group);
        if (s != null && s.sink != null) {
            return s.sink;
        }
        String own = Topics.sinkGroup("");
        if (group.startsWith(own + "sink-")) {
            String rest = group.substring(own.length());
            int dot = rest.indexOf('.');
            return dot < 0 ? rest : rest.substring(0, dot);
        }
        return null;
    }

    /** A group's figures now; null when the log never named it. */
    synchronized GroupView group(String group) {
        GroupStats s = groups.get(group);
        return s == null ? null : s.view(group, clock.millis());
    }

    /** Events of {@code group} delivered at or after {@code sinceMillis} whose record time is in [from, to). */
    synchronized long deliveredSince(String group, long sinceMillis, long fromMillis, long toMillis) {
        GroupStats s = groups.get(group);
        return s == null ? 0 : s.deliveredSince(sinceMillis, fromMillis, toMillis);
    }

    /** Per group: counts per minute, latencies, failures; all bounded. */
    private static final class GroupStats {
        private String sink;
        private long lastAt;
        private final TreeMap<Long, long[]> minutes = new TreeMap<>();
        /** {at, record timestamp} of delivered events, oldest first. */
        private final ArrayDeque<long[]> delivered = new ArrayDeque<>();
        private final ArrayDeque<Failure> errors = new ArrayDeque<>();

        void add(DeliveryLogEntry e) {
            if (e.sink() != null) {
                sink = e.sink();
            }
            lastAt = Math.max(lastAt, e.atMillis());
            long minute = e.atMillis() - Math.floorMod(e.atMillis(), 60_000L);
            minutes.computeIfAbsent(minute, m -> new long[Outcome.values().length])[e.outcome().ordinal()]
                    += e.events().size();
            while (minutes.size() > MINUTES_KEPT) {
                minutes.pollFirstEntry();
            }
            if (e.outcome() == Outcome.DELIVERED) {
                for (DeliveryLogEntry.Event ev : e.events()) {
                    delivered.addLast(new long[] {e.atMillis(), ev.timestampMillis()});
                    if (delivered.size() > LATENCIES_KEPT) {
                        delivered.removeFirst();
                    }
                }
            } else if (e.outcome() != Outcome.DISCARDED) {
                errors.addLast(new Failure(e.outcome(), e.atMillis(), e.code(), e.reason(), e.events().size(),
                        e.events().isEmpty() ? null : e.events().get(0).messageId()));
                if (errors.size() > ERRORS_KEPT) {
                    errors.removeFirst();
                }
            }
        }

        long deliveredSince(long since, long from, long to) {
            long n = 0;
            for (long[] d : delivered) {
                if (d[0] >= since && d[1] >= from && d[1] < to) {
                    n++;
                }
            }
            return n;
        }

        GroupView view(String group, long now) {
            long thisMinute = now - Math.floorMod(now, 60_000L);
            List<Minute> last = new ArrayList<>();
            Map<Outcome, Long> five = new TreeMap<>();
            for (Outcome o : Outcome.values()) {
                five.put(o, 0L);
            }
            for (int i = 9; i >= 0; i--) {
                long start = thisMinute - i * 60_000L;
                long[] c = minutes.getOrDefault(start, new long[Outcome.values().length]);
                last.add(new Minute(start, c.clone()));
                if (i < 5) {
                    for (Outcome o : Outcome.values()) {
                        five.merge(o, c[o.ordinal()], Long::sum);
                    }
                }
            }
            // latencies of the last 15 minutes' deliveries, as the log kept them
            long[] lat = delivered.stream().filter(d -> d[0] >= now - 15 * 60_000L)
                    .mapToLong(d -> Math.max(0, d[0] - d[1])).sorted().toArray();
            List<Failure> lastErrors = new ArrayList<>(errors);
            java.util.Collections.reverse(lastErrors);
            return new GroupView(group, sink, lastAt, five, last, percentile(lat, 50), percentile(lat, 95),
                    lat.length, lastErrors);
        }

        /** Nearest-rank percentile of sorted values; null when there are none. */
        static Long percentile(long[] sorted, int p) {
            if (sorted.length == 0) {
                return null;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }
}
