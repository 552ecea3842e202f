package dev.sluice.sink;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.IsoInstant;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records the sink could not deliver to the retry topic or the DLQ: original key, value and
 * headers plus why, where and when. {@link #flush()} returns only once Kafka acknowledged all of them,
 * so their offsets may then be committed.
 */
final class RecordParker implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final Clock clock;
    private final String retryTopic;
    private final String dlqTopic;
    private final String stage;
    private final List<Future<?>> unacked = new ArrayList<>();

    RecordParker(Producer<String, byte[]> producer, Clock clock, String retryTopic, String dlqTopic, String stage) {
        this.producer = producer;
        this.clock = clock;
        this.retryTopic = retryTopic;
        this.dlqTopic = dlqTopic;
        this.stage = stage;
    }

    /** The producer a parker needs: acknowledged by every in-sync replica, idempotent. */
    static Producer<String, byte[]> producer(String bootstrap, String clientId) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                // a write that cannot be acknowledged fails within the loop's patience; the record is retried
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000), new StringSerializer(), new ByteArraySerializer());
    }

    String retryTopic() {
        return retryTopic;
    }

    String dlqTopic() {
        return dlqTopic;
    }

    /** Queues a record for the retry topic, due again at {@code dueAt}. */
    void park(PendingRecord p, String code, String reason, Instant dueAt) {
        RecordHeaders h = headers(p, code, reason);
        EventHeaders.put(h, RetryHeaders.DUE_AT, IsoInstant.format(dueAt));
        EventHeaders.put(h, RetryHeaders.PARKINGS, Integer.toString(p.parkings + 1));
        send(new ProducerRecord<>(retryTopic, null, p.record.timestamp(), p.record.key(), p.record.value(), h));
    }

    /** Queues a record for the DLQ. */
    void deadLetter(PendingRecord p, String code, String reason) {
        RecordHeaders h = headers(p, code, reason);
        h.remove(RetryHeaders.DUE_AT);
        send(new ProducerRecord<>(dlqTopic, null, p.record.timestamp(), p.record.key(), p.record.value(), h));
    }

    private void send(ProducerRecord<String, byte[]> r) {
        try {
            unacked.add(producer.send(r));
        } catch (RuntimeException e) {
            // reported by flush(), like a write Kafka refused later
            unacked.add(CompletableFuture.failedFuture(e));
        }
    }

    /** Waits for Kafka to acknowledge everything queued; throws if any write failed. */
    void flush() throws Exception {
        try {
            producer.flush();
            for (Future<?> f : unacked) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            unacked.clear();
        }
    }

    private RecordHeaders headers(PendingRecord p, String code, String reason) {
        RecordHeaders h = new RecordHeaders(p.record.headers().toArray());
        Instant now = clock.instant();
        new FailureHeaders(code, reason, stage, p.attempts, p.firstFailure == null ? now : p.firstFailure, now)
                .writeTo(h);
        RetryHeaders.origin(h, p);
        return h;
    }

    @Override
    public void close() {
        producer.close();
    }
}
