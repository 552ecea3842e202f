package dev.sluice.sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The delivery calls running on the sink's call threads and what they hold. Their records are not
 * picked again until the call answered; for a sink that keeps partition order, no two calls hold
 * records of one partition, so a partition's records reach the destination in offset order (until a
 * record fails and is retried behind later ones). Used by the loop's thread only, but for the answers.
 */
final class CallsInFlight {

    /**
     * A call that answered: its records, when it started and one result per record, or the {@link Error}
     * the sink threw instead (the loop's thread rethrows it, as it did when calls ran on it).
     */
    record Answered(List<PendingRecord> batch, long startMillis, List<Delivery> results, Error error) {
    }

    private final Executor executor;
    private final int maxCalls;
    private final boolean keepPartitionOrder;
    private final BlockingQueue<Answered> answered = new LinkedBlockingQueue<>();
    /** Calls holding each partition (only when keeping partition order). */
    private final Map<TopicPartition, Integer> busy = new HashMap<>();
    private final AtomicInteger running = new AtomicInteger();

    /**
     * @param executor runs the calls (a thread per call at most {@code maxCalls}; a direct executor in tests)
     * @param keepPartitionOrder whether records of one partition may never be in two calls at once
     */
    CallsInFlight(Executor executor, int maxCalls, boolean keepPartitionOrder) {
        this.executor = executor;
        this.maxCalls = maxCalls;
        this.keepPartitionOrder = keepPartitionOrder;
    }

    boolean full() {
        return running.get() >= maxCalls;
    }

    int running() {
        return running.get();
    }

    /** Partitions the next call may not take records from. */
    Set<TopicPartition> busyPartitions() {
        return busy.keySet();
    }

    /** Starts a call; {@code call} answers a failure as its records' results and throws only an {@link Error}. */
    void start(List<PendingRecord> batch, long startMillis, Supplier<List<Delivery>> call) {
        running.incrementAndGet();
        for (PendingRecord p : batch) {
            p.inFlight = true;
            if (keepPartitionOrder) {
                busy.merge(p.partition, 1, Integer::sum);
            }
        }
        executor.execute(() -> {
            try {
                answered.add(new Answered(batch, startMillis, call.get(), null));
            } catch (Error e) {
                answered.add(new Answered(batch, startMillis, null, e));
            }
        });
    }

    /** The calls that answered since last asked; their records are free to be picked again. */
    List<Answered> takeAnswered() {
        List<Answered> out = new ArrayList<>();
        answered.drainTo(out);
        out.forEach(this::release);
        return out;
    }

    /** Waits up to {@code timeout} for every running call to answer, and returns those that did. */
    List<Answered> awaitAll(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        List<Answered> out = new ArrayList<>(takeAnswered());
        while (running.get() > 0) {
            Answered a = answered.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (a == null) {
                break;
            }
            release(a);
            out.add(a);
        }
        return out;
    }

    private void release(Answered a) {
        running.decrementAndGet();
        for (PendingRecord p : a.batch()) {
            p.inFlight = false;
            if (keepPartitionOrder) {
                busy.computeIfPresent(p.partition, (tp, n) -> n == 1 ? null : n - 1);
            }
        }
    }
}
