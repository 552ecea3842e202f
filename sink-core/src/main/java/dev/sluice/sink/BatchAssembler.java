package dev.sluice.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the next batch: records ready now (new ones and failed ones whose backoff is over, side by
 * side), in partition order, within the sink's limits; nothing until the batch is full or its oldest
 * record has lingered long enough.
 */
final class BatchAssembler {

    private final BatchLimits limits;

    BatchAssembler(BatchLimits limits) {
        this.limits = limits;
    }

    BatchLimits limits() {
        return limits;
    }

    /** @param flushNow send whatever is ready without lingering (a replay's end, a stop) */
    List<PendingRecord> next(PartitionQueues queues, long now, boolean flushNow) {
        List<PendingRecord> batch = new ArrayList<>();
        long bytes = 0;
        long oldest = Long.MAX_VALUE;
        for (PendingRecord p : queues.unsettled()) {
            if (!p.readyAt(now)) {
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

    /** How long the loop may wait before a pending record is due or a batch has lingered enough. */
    long waitMillis(PartitionQueues queues, long now, long atMost) {
        long wait = atMost;
        for (PendingRecord p : queues.unsettled()) {
            if (!p.settled) {
                long due = Math.max(p.notBeforeMillis, p.readySinceMillis + limits.linger().toMillis());
                wait = Math.min(wait, Math.max(0, due - now));
            }
        }
        return wait;
    }
}
