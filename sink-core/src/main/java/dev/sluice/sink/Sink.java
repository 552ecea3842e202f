package dev.sluice.sink;

import java.time.Instant;
import java.util.List;

/**
 * A destination. The runtime hands it batches within {@link #limits()} and it says, per record, what
 * became of it; everything else (offsets, retries, parking, DLQ, replay) is the runtime's.
 */
public interface Sink extends AutoCloseable {

    BatchLimits limits();

    /**
     * Delivers a batch. Returns one {@link Delivery} per record, in order. Throwing counts as a
     * transient failure of every record (the network, a timeout). Must return by {@code deadline}
     * (bound every request by it; records not tried by then are transient failures), so the
     * consumer group never waits on one slow call.
     */
    List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) throws Exception;

    /**
     * How many delivery calls may run at once (each on its own thread, so {@link #deliver} must then be
     * safe to call concurrently). {@code SLUICE_SINK_MAX_IN_FLIGHT} overrides it.
     */
    default int maxCallsInFlight() {
        return 1;
    }

    /**
     * Whether the records of one partition (one key: a user's events) must reach the destination in
     * offset order: then no two calls in flight carry records of the same partition. A retried record
     * still goes behind the records after it.
     */
    default boolean keepsPartitionOrder() {
        return true;
    }

    @Override
    default void close() {
    }
}
