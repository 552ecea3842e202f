package dev.sluice.sink;

import dev.sluice.model.DeliveryLogEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a group's outcomes to the delivery log, best effort and off the delivery path: {@link #write} only
 * hands them to a thread of its own, which turns them into entries and sends them with a producer of its own.
 * A full hand-over queue or a failed write loses entries, counted in
 * {@code sluice_sink_delivery_log_errors_total} and warned about at most every 30 s; it never delays or fails a
 * delivery or a commit.
 */
final class DeliveryLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);
    /** An entry's JSON stays below this (Kafka's default max.message.bytes is 1 MB). */
    static final int MAX_ENTRY_BYTES = 128 * 1024;
    /** Events waiting for the writer thread at most; past this, outcomes are dropped (and counted). */
    static final int MAX_QUEUED_EVENTS = 50_000;
    private static final long WARN_EVERY_MS = 30_000;

    /** The log of a sink with {@code SLUICE_DELIVERY_LOG=off}: records nothing, costs nothing. */
    static final DeliveryLog OFF = new DeliveryLog();

    private record Settled(OutcomeGroups outcomes, long atMillis) {
    }

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String sink;
    private final String group;
    private final int maxEntryBytes;
    private final Clock clock;
    private final Counter entries;
    private final Counter errors;
    private final BlockingQueue<Settled> queue;
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong lastWarnMillis = new AtomicLong(Long.MIN_VALUE / 2);
    private final Thread writer;
    private volatile boolean closing;

    private DeliveryLog() {
        producer = null;
        topic = sink = group = null;
        maxEntryBytes = 0;
        clock = null;
        entries = errors = null;
        queue = null;
        writer = null;
    }

    /**
     * @param producer used by this log alone, closed with it
     * @param group the consumer group the entries are about (their key)
     */
    DeliveryLog(Producer<String, byte[]> producer, String topic, String sink, String group, MeterRegistry registry,
                Clock clock, int maxEntryBytes) {
        this.producer = producer;
        this.topic = topic;
        this.sink = sink;
        this.group = group;
        this.clock = clock;
        this.maxEntryBytes = maxEntryBytes;
        this.entries = Counter.builder("sluice.sink.delivery.log.entries").tag("sink", sink).tag("group", group)
                .description("Delivery log entries Kafka acknowledged").register(registry);
        this.errors = Counter.builder("sluice.sink.delivery.log.errors").tag("sink", sink).tag("group", group)
                .description("Delivery log entries lost: the write failed or the writer fell behind")
                .register(registry);
        this.queue = new ArrayBlockingQueue<>(1024);
        this.writer = new Thread(this::run, "delivery-log-" + group);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * The producer a delivery log needs: the leader's ack only and no idempotence (the log is best effort and
     * must not slow anything), batched and compressed (entries repeat their field names).
     */
    static Producer<String, byte[]> producer(String bootstrap, String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
        // only the log's own thread ever waits on these
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Whether outcomes are recorded at all (callers skip gathering them otherwise). */
    boolean enabled() {
        return writer != null;
    }

    /** Hands outcomes over to be written; never blocks. */
    void write(OutcomeGroups outcomes, long atMillis) {
        if (!enabled() || outcomes.isEmpty()) {
            return;
        }
        int queued = queuedEvents.get();
        // a batch bigger than the bound still goes through when nothing waits
        if (closing || queued > 0 && queued + outcomes.events() > MAX_QUEUED_EVENTS
                || !queue.offer(new Settled(outcomes, atMillis))) {
            lost(outcomes.groups(), "the delivery log's writer is behind");
            return;
        }
        queuedEvents.addAndGet(outcomes.events());
    }

    private void run() {
        while (true) {
            Settled s;
            try {
                s = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (s == null) {
                if (closing) {
                    return;
                }
                continue;
            }
            queuedEvents.addAndGet(-s.outcomes().events());
            send(s);
        }
    }

    private void send(Settled s) {
        List<DeliveryLogEntry> made;
        try {
            made = s.outcomes().entries(sink, group, s.atMillis(), maxEntryBytes);
        } catch (RuntimeException e) {
            lost(s.outcomes().groups(), e.toString());
            return;
        }
        for (DeliveryLogEntry entry : made) {
            try {
                producer.send(new ProducerRecord<>(topic, null, entry.atMillis(), group, entry.toJson()), (m, e) -> {
                    if (e == null) {
                        entries.increment();
                    } else {
                        lost(1, e.toString());
                    }
                });
            } catch (RuntimeException e) {
                lost(1, e.toString());
            }
        }
    }

    private void lost(int count, String why) {
        errors.increment(count);
        long n = unreported.addAndGet(count);
        long now = clock.millis();
        long last = lastWarnMillis.get();
        if (now - last >= WARN_EVERY_MS && lastWarnMillis.compareAndSet(last, now)) {
            unreported.addAndGet(-n);
            LOG.warn("event=delivery_log_write_failed sink={} group={} topic={} lostEntries={} error=\"{}\"", sink,
                    group, topic, n, why);
        }
    }

    /** Writes what was handed over within a few seconds, then lets go of the producer. */
    @Override
    public void close() {
        if (!enabled()) {
            return;
        }
        closing = true;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(writer.isAlive() ? 0 : 5));
        writer.interrupt();
    }
}
