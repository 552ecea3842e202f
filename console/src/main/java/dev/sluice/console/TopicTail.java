package dev.sluice.console;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the typed topics, {@code events.rejected} and {@code ingest.raw} into {@link RecentEvents}, and
 * the delivery log ({@code deliveries}) into {@link Deliveries}. It
 * assigns partitions itself and never commits: it is a viewer, no consumer group's position moves, and
 * every console starts from near the end of each partition plus a bounded history.
 */
final class TopicTail implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
    /** How often topics and partitions that appeared since (a router started later) are picked up. */
    static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final RecentEvents events;
    private final Deliveries deliveries;
    private final int history;
    private final Clock clock;
    private final Map<String, String> typeByTopic = new HashMap<>();
    private final String rejectedTopic;
    private final String rawTopic;
    private final String deliveriesTopic;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private Instant nextDiscovery = Instant.MIN;

    TopicTail(Consumer<byte[], byte[]> consumer, Topics topics, RecentEvents events, Deliveries deliveries,
              int history, Clock clock) {
        this.consumer = consumer;
        this.events = events;
        this.deliveries = deliveries;
        this.history = history;
        this.clock = clock;
        for (EventType t : EventType.values()) {
            typeByTopic.put(topics.events(t), t.wireName());
        }
        this.rejectedTopic = topics.rejected();
        this.rawTopic = topics.ingestRaw();
        this.deliveriesTopic = topics.deliveries();
    }

    /** A read_committed consumer without a group: it sees only what the router's transactions committed. */
    static Consumer<byte[], byte[]> consumer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-console");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // a viewer creates nothing
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void run() {
        try {
            while (running) {
                if (!clock.instant().isBefore(nextDiscovery)) {
                    discover();
                    nextDiscovery = clock.instant().plus(DISCOVERY_INTERVAL);
                }
                if (assigned.isEmpty()) {
                    sleep();
                    continue;
                }
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    index(r);
                }
                if (records.isEmpty()) {
                    caughtUp = true;
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("event=console_tail_failed error=\"{}\"", e.toString(), e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    void index(ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.topic().equals(deliveriesTopic)) {
                DeliveryLogEntry entry = DeliveryLogEntry.parse(r.value());
                if (entry != null) { // null: a newer writer's version, skipped
                    deliveries.add(entry);
                }
            } else if (r.topic().equals(rawTopic)) {
                RecordReader.received(r).forEach(events::add);
            } else if (r.topic().equals(rejectedTopic)) {
                events.add(RecordReader.rejected(r));
            } else {
                events.add(RecordReader.routed(r, typeByTopic.get(r.topic())));
            }
        } catch (RuntimeException e) { // one odd record must not stop the view
            LOG.warn("event=console_record_unreadable topic={} partition={} offset={} error=\"{}\"", r.topic(),
                    r.partition(), r.offset(), e.toString());
        }
    }

    /** Assigns partitions not yet read, starting {@code history} records before their end. */
    void discover() {
        List<String> wanted = new ArrayList<>(typeByTopic.keySet());
        wanted.add(rejectedTopic);
        wanted.add(rawTopic);
        wanted.add(deliveriesTopic);
        Set<TopicPartition> fresh = new HashSet<>();
        try {
            for (String topic : wanted) {
                List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (parts == null) {
                    continue;
                }
                for (PartitionInfo p : parts) {
                    TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                    if (!assigned.contains(tp)) {
                        fresh.add(tp);
                    }
                }
            }
            if (fresh.isEmpty()) {
                return;
            }
            Set<TopicPartition> all = new HashSet<>(assigned);
            all.addAll(fresh);
            consumer.assign(all); // before asking offsets: read_committed answers only for assigned partitions
            try {
                Map<TopicPartition, Long> end = consumer.endOffsets(fresh, Duration.ofSeconds(5));
                Map<TopicPartition, Long> begin = consumer.beginningOffsets(fresh, Duration.ofSeconds(5));
                for (TopicPartition tp : fresh) {
                    consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - history));
                }
            } catch (RuntimeException e) { // not positioned: read none of them until the next discovery
                consumer.assign(new HashSet<>(assigned));
                throw e;
            }
            assigned.addAll(fresh);
            caughtUp = false;
            LOG.info("event=console_partitions_assigned added={} total={}", fresh.size(), assigned.size());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.warn("event=console_discovery_failed error=\"{}\"", e.getMessage());
        }
    }

    /** Whether the tail has read every assigned partition up to where it stood at the last poll. */
    boolean caughtUp() {
        return caughtUp;
    }

    private void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }
}
