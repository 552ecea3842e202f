package dev.sluice.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.ParkingHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * A sink group's DLQ: its records with the reasons in their {@code sluice.error.*} headers, and the
 * redrive that sends chosen ones back through the group's retry topic, due now and with their failure
 * history reset ({@link ParkingHeaders#resetForRedrive}), so the live group delivers them as new. The
 * DLQ record itself stays (Kafka appends only).
 */
final class DeadLetters {

    /** Records shown per DLQ partition: the newest. */
    static final int BROWSE_PER_PARTITION = 500;
    /** Records a redrive by reason reads at most per partition, from the newest back. */
    static final int REDRIVE_SCAN_PER_PARTITION = 100_000;
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClusterClients clients;
    private final Clock clock;

    DeadLetters(ClusterClients clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    /** One DLQ record as the page lists it. */
    record DeadRecord(String id, int partition, long offset, Instant time, String projectId, String messageId,
                      String type, String code, String reason, String stage, String attempts, String firstFailure,
                      String lastFailure, String value) {
    }

    /** The newest records of a DLQ, oldest first; of one reason code or all (null). */
    List<DeadRecord> browse(String dlqTopic, String code) {
        List<DeadRecord> out = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = clients.consumer("sluice-console-dlq")) {
            List<TopicPartition> parts = TopicRange.partitions(consumer, dlqTopic);
            if (parts.isEmpty()) {
                return out;
            }
            TopicRange.read(consumer, TopicRange.tail(consumer, parts, BROWSE_PER_PARTITION), r -> {
                DeadRecord d = read(r);
                if (code == null || code.equals(d.code())) {
                    out.add(d);
                }
            }, () -> false, PATIENCE);
        }
        out.sort(java.util.Comparator.comparing(DeadRecord::time).thenComparing(DeadRecord::id));
        return out;
    }

    /** Writes the DLQ records named {@code topic/partition/offset} to the retry topic; how many it wrote. */
    int redrive(String dlqTopic, String retryTopic, List<String> ids) throws Exception {
        Map<TopicPartition, List<Long>> wanted = new HashMap<>();
        for (String id : ids) {
            int b = id.lastIndexOf('/');
            int a = id.lastIndexOf('/', b - 1);
            if (a < 0 || !id.substring(0, a).equals(dlqTopic)) {
                throw new IllegalArgumentException("not a record of " + dlqTopic + ": " + id);
            }
            wanted.computeIfAbsent(new TopicPartition(dlqTopic, Integer.parseInt(id.substring(a + 1, b))),
                    tp -> new ArrayList<>()).add(Long.parseLong(id.substring(b + 1)));
        }
        List<ConsumerRecord<byte[], byte[]>> chosen = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = clients.consumer("sluice-console-redrive")) {
            Map<TopicPartition, TopicRange.Span> spans = new HashMap<>();
            wanted.forEach((tp, offsets) -> spans.put(tp, new TopicRange.Span(
                    offsets.stream().mapToLong(Long::longValue).min().orElseThrow(),
                    offsets.stream().mapToLong(Long::longValue).max().orElseThrow() + 1)));
            TopicRange.read(consumer, spans, r -> {
                if (wanted.get(new TopicPartition(r.topic(), r.partition())).contains(r.offset())) {
                    chosen.add(r);
                }
            }, () -> false, PATIENCE);
        }
        return write(chosen, retryTopic);
    }

    /** Writes every DLQ record with reason {@code code} to the retry topic; how many it wrote. */
    int redriveReason(String dlqTopic, String retryTopic, String code) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> chosen = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = clients.consumer("sluice-console-redrive")) {
            List<TopicPartition> parts = TopicRange.partitions(consumer, dlqTopic);
            TopicRange.read(consumer, TopicRange.tail(consumer, parts, REDRIVE_SCAN_PER_PARTITION), r -> {
                if (code.equals(FailureHeaders.text(r.headers(), FailureHeaders.CODE))) {
                    chosen.add(r);
                }
            }, () -> false, PATIENCE);
        }
        return write(chosen, retryTopic);
    }

    /** Sends and waits for Kafka's acknowledgement of every one, so a 200 means they are in the retry topic. */
    private int write(List<ConsumerRecord<byte[], byte[]>> records, String retryTopic) throws Exception {
        Instant now = clock.instant();
        List<Future<?>> acks = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Headers h = ParkingHeaders.resetForRedrive(r.headers(), now);
            acks.add(clients.producer().send(new ProducerRecord<>(retryTopic, null, r.timestamp(), r.key(), r.value(),
                    h)));
        }
        clients.producer().flush();
        for (Future<?> f : acks) {
            f.get(60, TimeUnit.SECONDS);
        }
        return records.size();
    }

    private static DeadRecord read(ConsumerRecord<byte[], byte[]> r) {
        Headers h = r.headers();
        String project = EventHeaders.text(h, EventHeaders.PROJECT);
        if (project == null && r.key() != null) {
            project = new String(r.key(), StandardCharsets.UTF_8);
        }
        String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
        try {
            if (r.value() != null && JSON.readTree(r.value()) instanceof ObjectNode o && o.has("writeKey")) {
                o.remove("writeKey"); // never shown, whoever wrote one
                value = o.toString();
            }
        } catch (java.io.IOException notJson) {
            // shown as the text it is
        }
        if (value != null && value.length() > RecordReader.MAX_TEXT_CHARS) {
            value = value.substring(0, RecordReader.MAX_TEXT_CHARS) + "…";
        }
        return new DeadRecord(r.topic() + "/" + r.partition() + "/" + r.offset(), r.partition(), r.offset(),
                Instant.ofEpochMilli(r.timestamp()), project, EventHeaders.text(h, EventHeaders.MESSAGE_ID),
                EventHeaders.text(h, EventHeaders.TYPE), orUnknown(FailureHeaders.text(h, FailureHeaders.CODE)),
                FailureHeaders.text(h, FailureHeaders.REASON), FailureHeaders.text(h, FailureHeaders.STAGE),
                FailureHeaders.text(h, FailureHeaders.ATTEMPTS), FailureHeaders.text(h, FailureHeaders.FIRST_FAILURE),
                FailureHeaders.text(h, FailureHeaders.LAST_FAILURE), value);
    }

    private static String orUnknown(String code) {
        return code == null || code.isEmpty() ? "unknown" : code;
    }
}
