package dev.sluice.console;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far each sink group is behind: committed offsets against the ends of the topics it reads, and in
 * seconds the age of the oldest record it has not committed yet. Its retry topic is counted apart
 * ({@code parked}): parked records wait there on purpose.
 */
final class ConsumerLag {

    /** Consumer groups the console lists without having seen them in the delivery log. */
    static final String SINK_GROUP_PREFIX = "sluice-sink-";

    private final ClusterClients clients;
    private final Clock clock;

    ConsumerLag(ClusterClients clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    /**
     * @param records unconsumed records in the source topics
     * @param seconds age of the oldest of them (null when none, or when it could not be read)
     * @param parked records of the group's retry topic not yet consumed
     */
    record Lag(long records, Long seconds, long parked) {
    }

    /** The sink groups the cluster knows: {@code sluice-sink-*}, but not a sink's replay groups. */
    List<String> sinkGroups() throws Exception {
        List<String> out = new ArrayList<>();
        for (ConsumerGroupListing g : clients.admin().listConsumerGroups().all().get(15, TimeUnit.SECONDS)) {
            String id = g.groupId();
            if (id.startsWith(SINK_GROUP_PREFIX) && !id.contains("-replay-")) {
                out.add(id);
            }
        }
        return out;
    }

    /** The group's lag now; null when it has committed nothing. */
    Lag of(String group, String retryTopic) throws Exception {
        Admin admin = clients.admin();
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return null;
        }
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        committed.forEach((tp, o) -> {
            if (o != null) {
                ask.put(tp, OffsetSpec.latest());
            }
        });
        if (ask.isEmpty()) {
            return null;
        }
        var ends = admin.listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(15, TimeUnit.SECONDS);
        long parked = 0;
        Map<TopicPartition, long[]> behind = new HashMap<>(); // {committed, end}
        for (var e : ends.entrySet()) {
            long committedOffset = committed.get(e.getKey()).offset();
            long lag = Math.max(0, e.getValue().offset() - committedOffset);
            if (e.getKey().topic().equals(retryTopic)) {
                parked += lag;
            } else if (lag > 0) {
                behind.put(e.getKey(), new long[] {committedOffset, e.getValue().offset()});
            }
        }
        Map<TopicPartition, Long> first = behind.isEmpty() ? Map.of() : firstTimestamps(behind);
        long records = 0;
        long oldest = Long.MAX_VALUE;
        for (var e : behind.entrySet()) {
            Long ts = first.get(e.getKey());
            if (ts != null && ts == NO_RECORD) {
                continue; // only transaction markers after the committed offset: nothing to consume
            }
            records += e.getValue()[1] - e.getValue()[0];
            if (ts != null) {
                oldest = Math.min(oldest, ts);
            }
        }
        Long seconds = oldest == Long.MAX_VALUE ? null : Math.max(0, clock.millis() - oldest) / 1000;
        return new Lag(records, seconds, parked);
    }

    /** Marks a partition with no record between the committed offset and the end. */
    private static final long NO_RECORD = -1;

    /**
     * The timestamp of the first unconsumed record of each partition behind, {@link #NO_RECORD} where the
     * gap holds only transaction markers (the typed topics are written in transactions), absent where it
     * could not be read in time.
     */
    private Map<TopicPartition, Long> firstTimestamps(Map<TopicPartition, long[]> behind) {
        try (Consumer<byte[], byte[]> consumer = clients.consumer("sluice-console-lag")) {
            consumer.assign(behind.keySet());
            behind.forEach((tp, range) -> consumer.seek(tp, range[0]));
            Map<TopicPartition, Long> found = new HashMap<>();
            long deadline = clock.millis() + 5_000;
            while (found.size() < behind.size() && clock.millis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (found.putIfAbsent(tp, r.timestamp()) == null) {
                        consumer.pause(List.of(tp));
                    }
                }
                for (TopicPartition tp : behind.keySet()) {
                    if (!found.containsKey(tp) && consumer.position(tp) >= behind.get(tp)[1]) {
                        found.put(tp, NO_RECORD);
                        consumer.pause(List.of(tp));
                    }
                }
            }
            return found;
        }
    }
}
