package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.RawEnvelope;
import dev.sluice.model.Rejection;
import dev.sluice.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class TopicTailTest {

    private final Topics topics = new Topics("t.");
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.LATEST.name());
    private final RecentEvents events = new RecentEvents(100);
    private final Deliveries deliveries = new Deliveries(100, Clock.systemUTC());

    private void partitions(String topic, int count, long end) {
        List<PartitionInfo> infos = new ArrayList<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        Map<TopicPartition, Long> begins = new HashMap<>();
        for (int p = 0; p < count; p++) {
            infos.add(new PartitionInfo(topic, p, Node.noNode(), new Node[0], new Node[0]));
            ends.put(new TopicPartition(topic, p), end);
            begins.put(new TopicPartition(topic, p), 0L);
        }
        consumer.updatePartitions(topic, infos);
        consumer.updateEndOffsets(ends);
        consumer.updateBeginningOffsets(begins);
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, String value, RecordHeaders h) {
        return new ConsumerRecord<>(topic, 0, offset, 1_000L + offset, TimestampType.CREATE_TIME, -1, -1,
                "shop".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), h, Optional.empty());
    }

    @Test
    void assignsEveryPartitionItKnowsAndStartsABoundedHistoryBeforeTheEnd() {
        partitions(topics.events(EventType.TRACK), 2, 500);
        partitions(topics.rejected(), 1, 3);
        TopicTail tail = new TopicTail(consumer, topics, events, deliveries, 100, Clock.systemUTC());

        tail.discover();

        assertThat(consumer.assignment()).containsExactlyInAnyOrder(new TopicPartition("t.events.track", 0),
                new TopicPartition("t.events.track", 1), new TopicPartition("t.events.rejected", 0));
        assertThat(consumer.position(new TopicPartition("t.events.track", 1))).isEqualTo(400);
        assertThat(consumer.position(new TopicPartition("t.events.rejected", 0))).isZero();
        assertThat(consumer.committed(consumer.assignment())).isEmpty();
    }

    @Test
    void picksUpATopicThatAppearsLaterWithoutMovingTheOthers() {
        partitions(topics.events(EventType.TRACK), 1, 10);
        TopicTail tail = new TopicTail(consumer, topics, events, deliveries, 5, Clock.systemUTC());
        tail.discover();
        consumer.seek(new TopicPartition("t.events.track", 0), 8);

        partitions(topics.events(EventType.PAGE), 1, 2);
        tail.discover();

        assertThat(consumer.assignment()).hasSize(2);
        assertThat(consumer.position(new TopicPartition("t.events.track", 0))).isEqualTo(8);
        assertThat(consumer.position(new TopicPartition("t.events.page", 0))).isZero();
    }

    @Test
    void indexesRoutedRejectedAndReceivedRecordsByTheirTopic() {
        TopicTail tail = new TopicTail(consumer, topics, events, deliveries, 5, Clock.systemUTC());
        RecordHeaders failed = new RecordHeaders();
        FailureHeaders.rejectedNow(new Rejection("no_user_anon_id", "userId or anonymousId is required"),
                "router-streams").writeTo(failed);
        RecordHeaders routed = new RecordHeaders();
        EventHeaders.put(routed, EventHeaders.PROJECT, "shop");

        tail.index(record("t.events.page", 1, "{\"type\":\"page\",\"name\":\"Home\",\"messageId\":\"m1\"}", routed));
        tail.index(record("t.events.rejected", 2, "{\"type\":\"track\",\"messageId\":\"m2\"}", failed));
        tail.index(new ConsumerRecord<>("t.ingest.raw", 0, 3, "shop".getBytes(StandardCharsets.UTF_8),
                RawEnvelope.encode("shop", Instant.EPOCH, null, null, null, null, null,
                        List.of("{\"type\":\"page\",\"messageId\":\"m1\"}".getBytes(StandardCharsets.UTF_8)))));
        tail.index(record("t.events.track", 4, "not json", routed));

        assertThat(events.path("m1").routed()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("page");
            assertThat(e.name()).isEqualTo("Home");
        });
        assertThat(events.path("m1").received()).hasSize(1);
        assertThat(events.rejected("no_user_anon_id", 10)).extracting(IndexedEvent::messageId).containsExactly("m2");
        assertThat(events.newest(new EventFilter(null, "track", null, null), 10)).extracting(IndexedEvent::text)
                .contains("not json");
    }
}
