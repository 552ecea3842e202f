package dev.sluice.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventEnricher;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventValidator;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.RawEnvelope;
import dev.sluice.model.Rejection;
import dev.sluice.model.SegmentJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code ingest.raw} record in, one record per event out: valid events enriched and sent on to
 * deduplication, invalid ones (and unreadable raw records) to {@code events.rejected} with the reason.
 * Each event is handled on its own: whatever goes wrong with one is that event's rejection, and the
 * rest of its envelope is routed.
 */
final class EnvelopeSplitter implements Processor<String, byte[], String, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeSplitter.class);

    static final String STAGE = "router-streams";

    private final String validChild;
    private final String rejectedChild;
    private final int maxEventBytes;
    private final RouterMetrics metrics;
    private final EventValidator validator = new EventValidator();
    private final EventEnricher enricher = new EventEnricher();
    private ProcessorContext<String, byte[]> context;

    EnvelopeSplitter(String validChild, String rejectedChild, int maxEventBytes, RouterMetrics metrics) {
        this.validChild = validChild;
        this.rejectedChild = rejectedChild;
        this.maxEventBytes = maxEventBytes;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> raw) {
        metrics.rawRecord();
        RawEnvelope envelope;
        try {
            envelope = RawEnvelope.parse(raw.value() == null ? new byte[0] : raw.value());
        } catch (RuntimeException e) { // not an envelope at all: nothing in it can be told apart
            reject(raw.key(), raw.value(), raw, new Rejection("malformed_raw", e.getMessage()), null);
            return;
        }
        String origin = origin();
        int limit = maxEventBytes + EventEnricher.maxAddedBytes(envelope.projectId(), envelope.ip());
        for (int i = 0; i < envelope.batch().size(); i++) {
            JsonNode node = envelope.batch().get(i);
            byte[] routed;
            try {
                Optional<Rejection> problem = validator.validate(node, envelope.receivedAt(), envelope.sentAt());
                if (problem.isPresent()) {
                    reject(envelope.projectId(), SegmentJson.toBytes(node), raw, problem.get(), node);
                    continue;
                }
                int index = i;
                routed = SegmentJson.toBytes(enricher.enrich((ObjectNode) node, envelope,
                        () -> fallbackMessageId(envelope, origin, index)));
            } catch (RuntimeException e) {
                // validation guarantees enrichment cannot fail; should a bug prove otherwise, only this event pays
                LOG.error("event=event_processing_failed project={} origin={} index={} error=\"{}\"",
                        envelope.projectId(), origin, i, e.toString(), e);
                reject(envelope.projectId(), bytesOf(node), raw, new Rejection("processing_failed",
                        "the router could not process this event: " + e), node);
                continue;
            }
            if (routed.length > limit) {
                reject(envelope.projectId(), routed, raw, new Rejection("payload_too_large", "with the envelope merged "
                        + "in, this event is " + routed.length + " bytes, more than " + limit), node);
                continue;
            }
            String type = node.get("type").asText();
            RecordHeaders headers = new RecordHeaders();
            EventHeaders.put(headers, EventHeaders.PROJECT, envelope.projectId());
            EventHeaders.put(headers, EventHeaders.TYPE, type);
            EventHeaders.put(headers, EventHeaders.MESSAGE_ID, node.get("messageId").asText());
            context.forward(new Record<>(envelope.projectId(), routed, raw.timestamp(), headers), validChild);
            metrics.latency(Duration.between(envelope.receivedAt(), Instant.now()));
        }
    }

    private static byte[] bytesOf(JsonNode node) {
        try {
            return SegmentJson.toBytes(node);
        } catch (RuntimeException e) {
            return node.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Events sent without a messageId get one derived from where they sit in {@code ingest.raw}, so a
     * re-run over the same records produces the same ids and deduplication still holds.
     */
    private static String fallbackMessageId(RawEnvelope envelope, String origin, int index) {
        return "sluice-" + UUID.nameUUIDFromBytes((envelope.projectId() + "/" + origin + "/" + index)
                .getBytes(StandardCharsets.UTF_8));
    }

    private String origin() {
        Optional<RecordMetadata> meta = context.recordMetadata();
        return meta.map(m -> m.topic() + "/" + m.partition() + "/" + m.offset()).orElse("unknown");
    }

    private void reject(String key, byte[] value, Record<String, byte[]> raw, Rejection why, JsonNode event) {
        RecordHeaders headers = new RecordHeaders(raw.headers().toArray());
        FailureHeaders.rejectedNow(why, STAGE).writeTo(headers);
        if (key != null) {
            EventHeaders.put(headers, EventHeaders.PROJECT, key);
        }
        context.forward(new Record<>(key, value, raw.timestamp(), headers), rejectedChild);
        metrics.rejected(why.code());
        if (event != null) {
            JsonNode t = event.get("type");
            metrics.event(key == null ? "unknown" : key, t != null && t.isTextual() ? t.asText() : "invalid",
                    "rejected");
        }
    }
}
