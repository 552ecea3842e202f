package dev.sluice.router;

import dev.sluice.model.EventHeaders;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Lets the first event of each {@code (projectId, messageId)} through and drops repeats seen within
 * the window, remembering ids in a changelogged window store (so a restart forgets nothing). Works
 * per partition: records are keyed by projectId, so a project's events all meet in one task.
 */
final class Deduplicator implements Processor<String, byte[], String, byte[]> {

    private final String storeName;
    private final long windowMs;
    private final RouterMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private WindowStore<String, Long> seen;

    Deduplicator(String storeName, Duration window, RouterMetrics metrics) {
        this.storeName = storeName;
        this.windowMs = window.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> event) {
        String project = event.key();
        String type = header(event, EventHeaders.TYPE);
        String id = project + "\u0000" + header(event, EventHeaders.MESSAGE_ID);
        long ts = event.timestamp();
        boolean duplicate;
        try (WindowStoreIterator<Long> earlier = seen.fetch(id, ts - windowMs, ts + windowMs)) {
            duplicate = earlier.hasNext();
        }
        if (duplicate) {
            metrics.event(project, type, "duplicate");
            return;
        }
        seen.put(id, ts, ts);
        context.forward(event);
        metrics.event(project, type, "routed");
    }

    static String header(Record<String, byte[]> record, String name) {
        String value = EventHeaders.text(record.headers(), name);
        return value == null ? "" : value;
    }
}
