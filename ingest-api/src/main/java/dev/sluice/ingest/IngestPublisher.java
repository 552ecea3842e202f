package dev.sluice.ingest;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes accepted requests to {@code ingest.raw} and refused events to {@code events.rejected} with an
 * idempotent {@code acks=all} producer; the returned future completes only once Kafka has every record.
 */
public final class IngestPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaClientMetrics producerMetrics;
    private final Topics topics;

    public IngestPublisher(IngestConfig config, MeterRegistry registry) {
        this.topics = config.kafka().topics();
        this.producer = new KafkaProducer<>(producerProperties(config), new StringSerializer(),
                new ByteArraySerializer());
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
    }

    static Properties producerProperties(IngestConfig config) {
        long timeoutMs = config.kafkaTimeout().toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-ingest-api");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // a request must never wait on Kafka longer than the client is promised
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, Math.min(timeoutMs, 30_000)));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeoutMs, 1000) + 1000 + 2);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1024 * 1024, config.maxRequestBytes() * 2));
        return p;
    }

    /**
     * Sends the envelope (if any) and every rejected event; completes when all are acknowledged.
     *
     * @param envelope the {@code ingest.raw} record's value, or null when no event was valid
     */
    public CompletableFuture<Void> publish(String projectId, byte[] envelope, List<RejectedEvent> rejected) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(1 + rejected.size());
        if (envelope != null) {
            ProducerRecord<String, byte[]> raw = new ProducerRecord<>(topics.ingestRaw(), projectId, envelope);
            EventHeaders.put(raw.headers(), EventHeaders.PROJECT, projectId);
            acks.add(send(raw));
        }
        for (RejectedEvent r : rejected) {
            ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topics.rejected(), projectId, r.event().json());
            EventHeaders.put(rec.headers(), EventHeaders.PROJECT, projectId);
            FailureHeaders.rejectedNow(r.rejection(), "ingest-api").writeTo(rec.headers());
            acks.add(send(rec));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    ack.completeExceptionally(error);
                } else {
                    ack.complete(null);
                }
            });
        } catch (RuntimeException e) {
            // metadata not available within max.block.ms, buffer full, record too large, closed
            ack.completeExceptionally(e);
        }
        return ack;
    }

    @Override
    public void close() {
        producerMetrics.close();
        producer.close();
    }
}
