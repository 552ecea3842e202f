package dev.sluice.sink;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records polled and not yet committed, per partition in offset order, and the commit rule: a
 * partition's committed offset never passes its first record that is neither delivered nor durably
 * parked or dead-lettered, however far the records after it have got. Records settled behind an
 * unsettled one are kept as offsets only, so a failing record does not hold up its partition.
 */
final class PartitionQueues {

    /** Settled records a partition may hold behind an unsettled one (offsets only, a few MB). */
    static final int MAX_HELD = 100_000;

    private final Map<TopicPartition, ArrayDeque<PendingRecord>> held = new LinkedHashMap<>();
    private final Map<TopicPartition, ArrayDeque<PendingRecord>> open = new LinkedHashMap<>();
    private final int maxOpenPerPartition;

    /** @param maxOpenPerPartition past this many unsettled records a partition stops being read */
    PartitionQueues(int maxOpenPerPartition) {
        this.maxOpenPerPartition = maxOpenPerPartition;
    }

    void add(TopicPartition tp, PendingRecord p) {
        held.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(p);
        open.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(p);
    }

    /** The records not yet settled, partition by partition, oldest first. */
    Iterable<PendingRecord> unsettled() {
        return () -> open.values().stream().flatMap(Collection::stream).filter(p -> !p.settled).iterator();
    }

    Set<TopicPartition> partitions() {
        return held.keySet();
    }

    boolean isEmpty(TopicPartition tp) {
        ArrayDeque<PendingRecord> q = held.get(tp);
        return q == null || q.isEmpty();
    }

    /** Whether the partition holds as many records, unsettled or in all, as it may. */
    boolean full(TopicPartition tp) {
        ArrayDeque<PendingRecord> o = open.get(tp);
        ArrayDeque<PendingRecord> h = held.get(tp);
        return (o != null && o.size() >= maxOpenPerPartition) || (h != null && h.size() >= MAX_HELD);
    }

    /**
     * For each partition, the offset after the unbroken run of settled records at its head, which are
     * dropped; partitions with nothing new to commit are left out.
     */
    Map<TopicPartition, OffsetAndMetadata> takeCommittable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            ArrayDeque<PendingRecord> o = open.get(tp);
            if (o != null) {
                o.removeIf(p -> p.settled);
            }
            ArrayDeque<PendingRecord> q = held.get(tp);
            if (q == null) {
                continue;
            }
            long next = -1;
            while (!q.isEmpty() && q.peekFirst().settled) {
                next = q.pollFirst().offset + 1;
            }
            if (next >= 0) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        }
        return offsets;
    }

    /** The partitions are no longer ours: their pending records are the next owner's to deliver. */
    void drop(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            held.remove(tp);
            open.remove(tp);
        });
    }

    void clear() {
        held.clear();
        open.clear();
    }
}
