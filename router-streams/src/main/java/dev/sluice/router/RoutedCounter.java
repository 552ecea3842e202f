package dev.sluice.router;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Passes events through, counting them as routed: stands in for the deduplicator when dedup is off. */
final class RoutedCounter implements Processor<String, byte[], String, byte[]> {

    private final RouterMetrics metrics;
    private ProcessorContext<String, byte[]> context;

    RoutedCounter(RouterMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> event) {
        context.forward(event);
        metrics.event(event.key(), Deduplicator.header(event, dev.sluice.model.EventHeaders.TYPE), "routed");
    }
}
