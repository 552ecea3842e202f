package dev.sluice.router;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Asks for an exactly-once commit every commit interval while the router is caught up, and leaves
 * commits to Streams' own, longer {@code commit.interval.ms} while it works through a backlog.
 *
 * <p>Why: a commit stalls the stream thread (flush, offsets, commit markers), 4 to 17 % of its time
 * at one every 100 ms in the benchmarks, but {@code read_committed} readers see nothing before it, so frequent
 * commits pay only when there is little to route. Caught up means a raw record no older than
 * {@code caughtUpLag} by its timestamp (ingest's produce time) against the stream thread's clock, or
 * a task that has stopped receiving records with some not yet committed (the tail of a backlog of old
 * records). Streams commits a requested task together with every other task of its thread (EOS v2:
 * one producer per thread), so requests are paced per thread, not per task: at most one per interval.
 * Records pass through unchanged.
 */
final class CaughtUpCommitter implements Processor<String, byte[], String, byte[]> {

    /** The last commit request made on each stream thread; one per topology, shared by its tasks. */
    static final class ThreadPace {
        private final ThreadLocal<long[]> lastRequestMs = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE / 2});

        boolean mayRequest(long nowMs, long intervalMs) {
            return nowMs - lastRequestMs.get()[0] >= intervalMs;
        }

        void requested(long nowMs) {
            lastRequestMs.get()[0] = nowMs;
        }
    }

    private final ThreadPace pace;
    private final long intervalMs;
    private final long caughtUpLagMs;
    private ProcessorContext<String, byte[]> context;
    private boolean uncommitted;
    private boolean recent;
    private boolean receivedSinceTick;

    /**
     * @param interval    the commit interval while caught up ({@code SLUICE_ROUTER_COMMIT_INTERVAL})
     * @param caughtUpLag a raw record at most this old counts as caught up ({@code SLUICE_ROUTER_CAUGHT_UP_LAG})
     */
    CaughtUpCommitter(ThreadPace pace, Duration interval, Duration caughtUpLag) {
        this.pace = pace;
        this.intervalMs = interval.toMillis();
        this.caughtUpLagMs = caughtUpLag.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        // a quarter of the interval: a record waits at most that long past the pace for its commit
        context.schedule(Duration.ofMillis(Math.max(1, intervalMs / 4)), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, byte[]> raw) {
        uncommitted = true;
        receivedSinceTick = true;
        // the stream thread's cached clock, read once per raw record (not per event)
        if (!recent && raw.timestamp() >= context.currentSystemTimeMs() - caughtUpLagMs) {
            recent = true;
        }
        if (recent) {
            maybeRequest(context.currentSystemTimeMs());
        }
        context.forward(raw);
    }

    private void tick(long nowMs) {
        if (uncommitted && (recent || !receivedSinceTick)) {
            maybeRequest(nowMs);
        }
        receivedSinceTick = false;
    }

    private void maybeRequest(long nowMs) {
        if (pace.mayRequest(nowMs, intervalMs)) {
            // Streams commits after this round of processing; a task with nothing new is not committed
            context.commit();
            pace.requested(nowMs);
            uncommitted = false;
            recent = false;
        }
    }
}
