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

    @Override
    default void close() {
    }
}
