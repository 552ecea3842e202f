package dev.sluice.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.FallbackMessageIds;
import dev.sluice.model.RawEnvelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Turns Kafka records into what the console indexes. Reads leniently (it shows what is there, it does
 * not judge it) and removes any {@code writeKey} before anything is kept.
 */
final class RecordReader {

    /** Longest non-JSON value kept as text: enough to see what it is, bounded whatever was written. */
    static final int MAX_TEXT_CHARS = 8 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordReader() {
    }

    /** A record of {@code events.<type>}. */
    static IndexedEvent routed(ConsumerRecord<byte[], byte[]> record, String type) {
        return event(record, IndexedEvent.Status.ROUTED, type, null);
    }

    /** A record of {@code events.rejected}, its reason from the {@code sluice.error.*} headers. */
    static IndexedEvent rejected(ConsumerRecord<byte[], byte[]> record) {
        Headers h = record.headers();
        IndexedEvent.Failure failure = new IndexedEvent.Failure(
                orDefault(FailureHeaders.text(h, FailureHeaders.CODE), "unknown"),
                FailureHeaders.text(h, FailureHeaders.REASON), FailureHeaders.text(h, FailureHeaders.STAGE),
                FailureHeaders.text(h, FailureHeaders.ATTEMPTS), FailureHeaders.text(h, FailureHeaders.FIRST_FAILURE),
                FailureHeaders.text(h, FailureHeaders.LAST_FAILURE));
        return event(record, IndexedEvent.Status.REJECTED, null, failure);
    }

    private static IndexedEvent event(ConsumerRecord<byte[], byte[]> record, IndexedEvent.Status status, String type,
                                      IndexedEvent.Failure failure) {
        JsonNode node = parse(record.value());
        String project = EventHeaders.text(record.headers(), EventHeaders.PROJECT);
        if (project == null && record.key() != null) {
            project = new String(record.key(), StandardCharsets.UTF_8);
        }
        String json = null;
        String text = null;
        if (node != null) {
            if (node instanceof ObjectNode o) {
                o.remove("writeKey"); // ingest-api never stores one; other producers might
            }
            json = node.toString();
            if (type == null) {
                type = text(node, "type");
            }
        } else if (record.value() != null) {
            text = truncated(new String(record.value(), StandardCharsets.UTF_8));
        }
        String messageId = node == null ? null : text(node, "messageId");
        if (messageId == null) {
            messageId = EventHeaders.text(record.headers(), EventHeaders.MESSAGE_ID);
        }
        String name = node == null ? null : text(node, "event");
        if (name == null && node != null && ("page".equals(type) || "screen".equals(type))) {
            name = text(node, "name");
        }
        return new IndexedEvent(status, record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()), project, type, name,
                node == null ? null : text(node, "userId"), node == null ? null : text(node, "anonymousId"),
                messageId, json, text, failure);
    }

    /** The events of an {@code ingest.raw} envelope as the client sent them; none when it cannot be read. */
    static List<ReceivedEvent> received(ConsumerRecord<byte[], byte[]> record) {
        RawEnvelope envelope;
        try {
            envelope = RawEnvelope.parse(record.value() == null ? new byte[0] : record.value());
        } catch (RuntimeException e) { // the router rejects it; the Rejected view shows it
            return List.of();
        }
        List<ReceivedEvent> out = new ArrayList<>(envelope.batch().size());
        for (int i = 0; i < envelope.batch().size(); i++) {
            JsonNode event = envelope.batch().get(i);
            if (event instanceof ObjectNode o) {
                o.remove("writeKey");
            }
            String messageId = text(event, "messageId");
            if (messageId == null) {
                messageId = FallbackMessageIds.of(envelope.projectId(),
                        FallbackMessageIds.origin(record.topic(), record.partition(), record.offset()), i);
            }
            out.add(new ReceivedEvent(envelope.projectId(), messageId, envelope.receivedAt(), record.topic(),
                    record.partition(), record.offset(), i, event.toString()));
        }
        return out;
    }


    private static JsonNode parse(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) { // JsonProcessingException included: not JSON, shown as text
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    private static String truncated(String s) {
        return s.length() <= MAX_TEXT_CHARS ? s : s.substring(0, MAX_TEXT_CHARS) + "…";
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
