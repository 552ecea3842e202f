package dev.sluice.router;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * The stream thread's producer, noting the timestamp (ingest's write to {@code ingest.raw}) of each event it
 * sends to a typed topic, so that when the transaction commits, the moment {@code read_committed} sinks can
 * see the events, their latency is recorded. Until then nothing the router sent is readable, so the time an
 * event leaves the router's code says little about when a sink gets it.
 */
final class ReadableLatencyProducer implements Producer<byte[], byte[]> {

    private final Producer<byte[], byte[]> delegate;
    private final Set<String> eventTopics;
    private final RouterMetrics metrics;
    private final LongSupplier clock;
    /** Timestamps of the events sent in the open transaction. */
    private long[] sent = new long[1024];
    private int count;

    ReadableLatencyProducer(Producer<byte[], byte[]> delegate, Set<String> eventTopics, RouterMetrics metrics,
                            LongSupplier clock) {
        this.delegate = delegate;
        this.eventTopics = eventTopics;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        Future<RecordMetadata> f = delegate.send(record, callback);
        if (record.timestamp() != null && eventTopics.contains(record.topic())) {
            if (count == sent.length) {
                sent = Arrays.copyOf(sent, count * 2);
            }
            sent[count++] = record.timestamp();
        }
        return f;
    }

    @Override
    public void commitTransaction() {
        delegate.commitTransaction();
        long now = clock.getAsLong();
        for (int i = 0; i < count; i++) {
            metrics.latency(Duration.ofMillis(now - sent[i]));
        }
        count = 0;
    }

    @Override
    public void abortTransaction() {
        count = 0;
        delegate.abortTransaction();
    }

    @Override
    public void beginTransaction() {
        count = 0;
        delegate.beginTransaction();
    }

    @Override
    public void initTransactions() {
        delegate.initTransactions();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         ConsumerGroupMetadata groupMetadata) {
        delegate.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        delegate.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        delegate.unregisterMetricFromSubscription(metric);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return delegate.metrics();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return delegate.clientInstanceId(timeout);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void close(Duration timeout) {
        delegate.close(timeout);
    }
}
