package dev.sluice.sink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * The live group: subscribed to the source topics and the group's retry topic; a partition the group
 * has never committed starts at {@code SLUICE_SINK_START_FROM}.
 */
final class LiveAssignment implements SourceAssignment {

    private final SinkConfig config;

    LiveAssignment(SinkConfig config) {
        this.config = config;
    }

    @Override
    public String groupId() {
        return config.groupId();
    }

    @Override
    public void attach(Consumer<String, byte[]> consumer, Owner owner) {
        List<String> topics = new ArrayList<>(config.sourceTopics());
        topics.add(config.retryTopic());
        consumer.subscribe(topics, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                owner.revoked(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                owner.lost(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (config.startFrom().kind() == StartPosition.Kind.INSTANT) {
                    seekNewPartitions(consumer, partitions, config.startFrom().instant());
                }
            }
        });
    }

    private void seekNewPartitions(Consumer<String, byte[]> consumer, Collection<TopicPartition> partitions,
                                   Instant from) {
        Set<TopicPartition> sources = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (!tp.topic().equals(config.retryTopic())) {
                sources.add(tp);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(sources);
        for (TopicPartition tp : sources) {
            if (committed.get(tp) == null) {
                OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, from.toEpochMilli())).get(tp);
                consumer.seek(tp, found != null ? found.offset() : consumer.endOffsets(List.of(tp)).get(tp));
            }
        }
    }

    @Override
    public boolean accepts(ConsumerRecord<String, byte[]> record) {
        return true;
    }

    @Override
    public boolean exhausted(Consumer<String, byte[]> consumer, TopicPartition tp) {
        return false;
    }

    @Override
    public boolean complete(Consumer<String, byte[]> consumer, PartitionQueues queues) {
        return false;
    }

    @Override
    public boolean flushEagerly() {
        return false;
    }
}
