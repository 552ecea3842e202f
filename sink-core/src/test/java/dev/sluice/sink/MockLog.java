package dev.sluice.sink;

import dev.sluice.model.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * What the broker would hold for one consumer group, for tests on {@link MockConsumer}: the partitions'
 * records and the group's committed offsets, which outlive any one consumer, so a consumer the loop
 * rebuilds resumes where the group committed.
 */
final class MockLog {

    final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> records = new LinkedHashMap<>();
    final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    final AtomicBoolean failCommits = new AtomicBoolean();
    final AtomicInteger consumersMade = new AtomicInteger();
    Consumer current;

    MockLog(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> records.put(tp, new ArrayList<>()));
    }

    void append(TopicPartition tp, String key, String value, long timestamp) {
        List<ConsumerRecord<String, byte[]>> log = records.get(tp);
        RecordHeaders h = new RecordHeaders();
        EventHeaders.put(h, EventHeaders.TYPE, "track");
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>(tp.topic(), tp.partition(), log.size(), timestamp,
                TimestampType.CREATE_TIME, -1, -1, key, value.getBytes(StandardCharsets.UTF_8), h,
                java.util.Optional.empty());
        log.add(r);
        if (current != null && current.assignment().contains(tp)) {
            current.addRecord(r);
        }
    }

    long committed(TopicPartition tp) {
        OffsetAndMetadata c = committed.get(tp);
        return c == null ? 0 : c.offset();
    }

    /** A new consumer of the group (the loop's consumer factory); it joins and gets every partition on its first poll. */
    Consumer newConsumer() {
        current = new Consumer();
        consumersMade.incrementAndGet();
        return current;
    }

    /** A MockConsumer whose commits reach the group and whose assignments are fed from the log. */
    final class Consumer extends MockConsumer<String, byte[]> {

        Consumer() {
            super("earliest");
            Map<TopicPartition, Long> zero = new HashMap<>();
            Map<TopicPartition, Long> ends = new HashMap<>();
            records.forEach((tp, log) -> {
                zero.put(tp, 0L);
                ends.put(tp, (long) log.size());
            });
            updateBeginningOffsets(zero);
            updateEndOffsets(ends);
        }

        @Override
        public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
            super.subscribe(topics, listener);
            schedulePollTask(() -> assign(records.keySet()));
        }

        /** A rebalance that leaves this consumer {@code partitions}; what it gains is read from the committed offsets. */
        synchronized void assign(Set<TopicPartition> partitions) {
            Set<TopicPartition> before = Set.copyOf(assignment());
            super.commitSync(new HashMap<>(committed)); // the group's commits, as the broker would give them
            rebalance(partitions);
            for (TopicPartition tp : partitions) {
                if (!before.contains(tp)) {
                    seek(tp, MockLog.this.committed(tp));
                    records.get(tp).forEach(this::addRecord);
                }
            }
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (failCommits.get()) {
                throw new CommitFailedException("injected: the group rebalanced before this commit");
            }
            super.commitSync(offsets);
            committed.putAll(offsets);
        }
    }
}
