package dev.sluice.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded replay: every partition of one topic assigned (no group membership to lose), from the
 * range's start or where an interrupted run of the same replay group stopped, up to the range's end
 * as fixed when the run first attached.
 */
final class ReplayAssignment implements SourceAssignment {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayAssignment.class);

    private final ReplayRange range;
    private final Map<TopicPartition, Long> ends = new HashMap<>();

    ReplayAssignment(ReplayRange range) {
        this.range = range;
    }

    @Override
    public String groupId() {
        return range.groupId();
    }

    @Override
    public void attach(Consumer<String, byte[]> consumer, Owner owner) {
        List<TopicPartition> partitions = consumer.partitionsFor(range.topic(), Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(range.topic(), i.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("replay topic " + range.topic() + " does not exist");
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> latest = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
        if (ends.isEmpty()) {
            for (TopicPartition tp : partitions) {
                ends.put(tp, switch (range.to().kind()) {
                    case OFFSET -> Math.min(range.to().offset(), latest.get(tp));
                    case INSTANT -> offsetAt(consumer, tp, range.to().instant(), latest.get(tp));
                    default -> latest.get(tp);
                });
            }
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            if (c != null) {
                consumer.seek(tp, c.offset()); // a replay that was interrupted resumes where it stopped
                continue;
            }
            switch (range.from().kind()) {
                case EARLIEST -> consumer.seek(tp, begins.get(tp));
                case LATEST -> consumer.seek(tp, latest.get(tp));
                case OFFSET -> consumer.seek(tp, Math.max(begins.get(tp), range.from().offset()));
                case INSTANT -> consumer.seek(tp, offsetAt(consumer, tp, range.from().instant(), latest.get(tp)));
            }
        }
        LOG.info("event=replay_assigned topic={} partitions={} end={} forGroup={}", range.topic(), partitions.size(),
                ends, range.forGroup());
    }

    private static long offsetAt(Consumer<String, byte[]> consumer, TopicPartition tp, Instant at, long fallback) {
        OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, at.toEpochMilli())).get(tp);
        return found == null ? fallback : found.offset();
    }

    @Override
    public boolean accepts(ConsumerRecord<String, byte[]> record) {
        Long end = ends.get(new TopicPartition(record.topic(), record.partition()));
        return end == null || record.offset() < end;
    }

    @Override
    public boolean exhausted(Consumer<String, byte[]> consumer, TopicPartition tp) {
        Long end = ends.get(tp);
        return end != null && consumer.position(tp) >= end;
    }

    @Override
    public boolean complete(Consumer<String, byte[]> consumer, PartitionQueues queues) {
        for (TopicPartition tp : ends.keySet()) {
            if (!queues.isEmpty(tp) || !exhausted(consumer, tp)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean flushEagerly() {
        return true;
    }
}
