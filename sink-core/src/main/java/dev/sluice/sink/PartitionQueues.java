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
 * parked or dead-lettered, however far the records after it have got.
 */
final class PartitionQueues {

    private final Map<TopicPartition, ArrayDeque<PendingRecord>> queues = new LinkedHashMap<>();
    private final int maxPerPartition;

    /** @param maxPerPartition past this many uncommitted records a partition stops being read */
    PartitionQueues(int maxPerPartition) {
        this.maxPerPartition = maxPerPartition;
    }

    void add(TopicPartition tp, PendingRecord p) {
        queues.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(p);
    }

    /** Every pending record, partition by partition, oldest first. */
    Iterable<PendingRecord> all() {
        return () -> queues.values().stream().flatMap(Collection::stream).iterator();
    }

    Set<TopicPartition> partitions() {
        return queues.keySet();
    }

    boolean isEmpty(TopicPartition tp) {
        ArrayDeque<PendingRecord> q = queues.get(tp);
        return q == null || q.isEmpty();
    }

    /** Whether the partition holds as many uncommitted records as it may. */
    boolean full(TopicPartition tp) {
        ArrayDeque<PendingRecord> q = queues.get(tp);
        return q != null && q.size() >= maxPerPartition;
    }

    /**
     * For each partition, the offset after the unbroken run of settled records at its head, which are
     * dropped from the queue; partitions with nothing new to commit are left out.
     */
    Map<TopicPartition, OffsetAndMetadata> takeCommittable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            ArrayDeque<PendingRecord> q = queues.get(tp);
            if (q == null) {
                continue;
            }
            long next = -1;
            while (!q.isEmpty() && q.peekFirst().settled) {
                next = q.pollFirst().record.offset() + 1;
            }
            if (next >= 0) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        }
        return offsets;
    }

    /** The partitions are no longer ours: their pending records are the next owner's to deliver. */
    void drop(Collection<TopicPartition> partitions) {
        partitions.forEach(queues::remove);
    }

    void clear() {
        queues.clear();
    }

    /** How many records are pending in all. */
    int size() {
        int n = 0;
        for (ArrayDeque<PendingRecord> q : queues.values()) {
            n += q.size();
        }
        return n;
    }
}
