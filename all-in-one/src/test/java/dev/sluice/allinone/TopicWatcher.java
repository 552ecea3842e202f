package dev.sluice.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.RawEnvelope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A {@code read_committed} consumer on its own thread that notes when each messageId first became
 * readable: from the envelopes of the raw topic, or from the typed topics' message-id header.
 */
final class TopicWatcher implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final boolean raw;
    private final Map<String, Long> seen;
    private final Map<String, Long> receivedAt;
    private final Map<String, Long> recordTimestamps;
    private final AtomicLong unreadable = new AtomicLong();
    private volatile boolean running = true;

    private TopicWatcher(String bootstrap, List<String> topics, boolean raw, Map<String, Long> seen,
                         Map<String, Long> receivedAt, Map<String, Long> recordTimestamps) {
        this.raw = raw;
        this.seen = seen;
        this.receivedAt = receivedAt;
        this.recordTimestamps = recordTimestamps;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-bench-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // topics the router creates after we subscribe are found within a second
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        thread = new Thread(this::run, raw ? "e2e-raw-watcher" : "e2e-typed-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches the raw topic, noting also each event's receivedAt from its envelope and its record's timestamp. */
    static TopicWatcher raw(String bootstrap, String topic, StageTimes times) {
        return new TopicWatcher(bootstrap, List.of(topic), true, times.rawReadable, times.envelopeReceivedAt,
                times.rawRecordTimestamp);
    }

    static TopicWatcher typed(String bootstrap, List<String> topics, StageTimes times) {
        return new TopicWatcher(bootstrap, topics, false, times.typedReadable, null, null);
    }

    /** Records whose messageIds could not be read (should stay 0). */
    long unreadable() {
        return unreadable.get();
    }

    private void run() {
        try {
            poll();
        } catch (RuntimeException e) {
            // its events then show as missing at this stage; say why
            System.out.println("!! " + Thread.currentThread().getName() + " stopped: " + e);
        } finally {
            consumer.close();
        }
    }

    private void poll() {
        while (running) {
            var records = consumer.poll(Duration.ofMillis(100));
            long now = System.currentTimeMillis();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (raw) {
                    noteEnvelope(r.value(), r.timestamp(), now);
                } else {
                    String id = EventHeaders.text(r.headers(), EventHeaders.MESSAGE_ID);
                    if (id == null) {
                        unreadable.incrementAndGet();
                    } else {
                        StageTimes.first(seen, id, now);
                    }
                }
            }
        }
    }

    private void noteEnvelope(byte[] value, long recordTimestamp, long now) {
        RawEnvelope envelope;
        try {
            envelope = RawEnvelope.parse(value);
        } catch (IllegalArgumentException e) {
            unreadable.incrementAndGet();
            return;
        }
        long received = envelope.receivedAt().toEpochMilli();
        for (JsonNode event : envelope.batch()) {
            JsonNode id = event.get("messageId");
            if (id == null || !id.isTextual()) {
                unreadable.incrementAndGet();
                continue;
            }
            StageTimes.first(seen, id.asText(), now);
            receivedAt.putIfAbsent(id.asText(), received);
            recordTimestamps.putIfAbsent(id.asText(), recordTimestamp);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
