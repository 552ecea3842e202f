package dev.sluice.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Picks the next batch: records ready now (new ones and failed ones whose backoff is over, side by
 * side), in partition order, within the sink's limits, leaving out partitions another call holds;
 * nothing until the batch is full or its oldest record has lingered long enough (a retried record
 * lingers from when it is due, so the retries of one failed call go out together).
 */
final class BatchAssembler {

    private final BatchLimits limits;

    BatchAssembler(BatchLimits limits) {
        this.limits = limits;
    }

    BatchLimits limits() {
        return limits;
    }

    /**
     * @param flushNow send whatever is ready without lingering (a replay's end, a stop)
     * @param busy partitions whose records must wait for the call holding that partition
     */
    List<PendingRecord> next(PartitionQueues queues, long now, boolean flushNow, Set<TopicPartition> busy) {
        List<PendingRecord> batch = new ArrayList<>();
        long bytes = 0;
        long oldest = Long.MAX_VALUE;
        for (PendingRecord p : queues.unsettled()) {
            if (!p.readyAt(now) || (!busy.isEmpty() && busy.contains(p.partition))) {
                continue;
            }
            if (batch.size() == limits.maxRecords() || bytes + p.size() > limits.maxBytes()) {
                return batch;
            }
            batch.add(p);
            bytes += p.size();
            oldest = Math.min(oldest, p.readySinceMillis);
        }
        boolean lingered = oldest + limits.linger().toMillis() <= now;
        return lingered || flushNow || batch.size() == limits.maxRecords() ? batch : List.of();
    }

    /**
     * How long the loop may wait before a pending record is due or a batch has lingered enough; records
     * of {@code busy} partitions wait for their call's answer instead.
     */
    long waitMillis(PartitionQueues queues, long now, long atMost, Set<TopicPartition> busy) {
        long wait = atMost;
        for (PendingRecord p : queues.unsettled()) {
            if (!p.inFlight && (busy.isEmpty() || !busy.contains(p.partition))) {
                long due = Math.max(p.notBeforeMillis, p.readySinceMillis + limits.linger().toMillis());
                wait = Math.min(wait, Math.max(0, due - now));
            }
        }
        return wait;
    }
}
