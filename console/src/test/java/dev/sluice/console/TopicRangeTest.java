package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TopicRangeTest {

    private static final TopicPartition TP = new TopicPartition("sluice.events.track", 0);

    /** A consumer that hands out two records of the partition per poll, offsets 0 to 5. */
    private static MockConsumer<byte[], byte[]> twoPerPoll() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        for (int poll = 0; poll < 3; poll++) {
            int first = 2 * poll;
            consumer.schedulePollTask(() -> {
                for (int offset = first; offset < first + 2; offset++) {
                    consumer.addRecord(new ConsumerRecord<>(TP.topic(), TP.partition(), offset, null, new byte[0]));
                }
            });
        }
        return consumer;
    }

    @Test
    void readsTheWholeSpanThenStops() {
        List<Long> read = new ArrayList<>();
        TopicRange.read(twoPerPoll(), Map.of(TP, new TopicRange.Span(0, 5)), r -> read.add(r.offset()),
                () -> false, Duration.ofSeconds(5));
        assertThat(read).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void aStopRequestEndsTheReadingBeforeTheNextPoll() {
        // what a cancelled replay relies on: it stops copying, keeping what it copied
        List<Long> read = new ArrayList<>();
        TopicRange.read(twoPerPoll(), Map.of(TP, new TopicRange.Span(0, 6)), r -> read.add(r.offset()),
                () -> read.size() >= 2, Duration.ofSeconds(5));
        assertThat(read).containsExactly(0L, 1L);
    }
}
