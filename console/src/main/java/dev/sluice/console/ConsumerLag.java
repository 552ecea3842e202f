package dev.sluice.console;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
        long records = 0;
        long parked = 0;
        Map<TopicPartition, Long> behind = new HashMap<>();
        for (var e : ends.entrySet()) {
            long lag = Math.max(0, e.getValue().offset() - committed.get(e.getKey()).offset());
            if (e.getKey().topic().equals(retryTopic)) {
                parked += lag;
            } else {
                records += lag;
                if (lag > 0) {
                    behind.put(e.getKey(), committed.get(e.getKey()).offset());
                }
            }
        }
        return new Lag(records, behind.isEmpty() ? null : oldestAgeSeconds(behind), parked);
    }

    /** Reads the first unconsumed record of each partition behind: the oldest one's age, in seconds. */
    private Long oldestAgeSeconds(Map<TopicPartition, Long> positions) {
        try (Consumer<byte[], byte[]> consumer = clients.consumer("sluice-console-lag")) {
            consumer.assign(positions.keySet());
            positions.forEach(consumer::seek);
            Map<TopicPartition, Long> firstTimestamp = new HashMap<>();
            long deadline = clock.millis() + 5_000;
            Collection<TopicPartition> waiting = new ArrayList<>(positions.keySet());
            while (!waiting.isEmpty() && clock.millis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (firstTimestamp.putIfAbsent(tp, r.timestamp()) == null) {
                        waiting.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
            }
            long now = clock.millis();
            return firstTimestamp.values().stream().mapToLong(t -> Math.max(0, now - t) / 1000).max().stream()
                    .boxed().findFirst().orElse(null);
        }
    }
}
