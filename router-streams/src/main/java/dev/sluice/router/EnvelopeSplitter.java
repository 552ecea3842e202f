package dev.sluice.router;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.FallbackMessageIds;
import dev.sluice.model.Rejection;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * One {@code ingest.raw} record in, one record per event out: valid events enriched and sent on to
 * deduplication, invalid ones (and unreadable raw records) to {@code events.rejected} with the reason.
 * Each event is handled on its own: whatever goes wrong with one is that event's rejection, and the
 * rest of its envelope is routed.
 */
final class EnvelopeSplitter implements Processor<String, byte[], String, byte[]> {

    static final String STAGE = "router-streams";

    private final String validChild;
    private final String rejectedChild;
    private final RouterMetrics metrics;
    private final EnvelopeScanner scanner;
    private ProcessorContext<String, byte[]> context;

    EnvelopeSplitter(String validChild, String rejectedChild, int maxEventBytes, RouterMetrics metrics) {
        this.validChild = validChild;
        this.rejectedChild = rejectedChild;
        this.scanner = new EnvelopeScanner(maxEventBytes);
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> raw) {
        metrics.rawRecord();
        EnvelopeScanner.Split split;
        try {
            split = scanner.scan(raw.value() == null ? new byte[0] : raw.value(), origin());
        } catch (RuntimeException e) { // not an envelope at all: nothing in it can be told apart
            reject(raw.key(), raw.value(), raw, new Rejection("malformed_raw", e.getMessage()), null);
            return;
        }
        String project = split.projectId();
        for (EnvelopeScanner.Outcome outcome : split.events()) {
            if (outcome instanceof EnvelopeScanner.Rejected r) {
                reject(project, r.value(), raw, r.why(), r.type());
                continue;
            }
            EnvelopeScanner.Routed event = (EnvelopeScanner.Routed) outcome;
            RecordHeaders headers = new RecordHeaders();
            EventHeaders.put(headers, EventHeaders.PROJECT, project);
            EventHeaders.put(headers, EventHeaders.TYPE, event.type());
            EventHeaders.put(headers, EventHeaders.MESSAGE_ID, event.messageId());
            context.forward(new Record<>(project, event.value(), raw.timestamp(), headers), validChild);
        }
    }

    private String origin() {
        Optional<RecordMetadata> meta = context.recordMetadata();
        return meta.map(m -> FallbackMessageIds.origin(m.topic(), m.partition(), m.offset())).orElse("unknown");
    }

    /** @param type the event's type for metrics ({@code "invalid"} when it has none), or null for a whole record */
    private void reject(String key, byte[] value, Record<String, byte[]> raw, Rejection why, String type) {
        RecordHeaders headers = new RecordHeaders(raw.headers().toArray());
        FailureHeaders.rejectedNow(why, STAGE).writeTo(headers);
        if (key != null) {
            EventHeaders.put(headers, EventHeaders.PROJECT, key);
        }
        context.forward(new Record<>(key, value, raw.timestamp(), headers), rejectedChild);
        metrics.rejected(why.code());
        if (type != null) {
            metrics.event(key == null ? "unknown" : key, type, "rejected");
        }
    }
}
