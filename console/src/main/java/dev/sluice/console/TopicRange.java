package dev.sluice.console;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Reads given offset ranges of partitions once, with a reader of its own: for the DLQ and Replay views. */
final class TopicRange {

    private TopicRange() {
    }

    /** [start, end) of one partition. */
    record Span(long start, long end) {
        long size() {
            return Math.max(0, end - start);
        }
    }

    /** The partitions of a topic; empty when it does not exist. */
    static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    /** The last {@code perPartition} records of each partition (all of them when it is 0 or less). */
    static Map<TopicPartition, Span> tail(Consumer<?, ?> consumer, List<TopicPartition> partitions, long perPartition) {
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        Map<TopicPartition, Span> spans = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long from = perPartition <= 0 ? begin.get(tp) : Math.max(begin.get(tp), end.get(tp) - perPartition);
            spans.put(tp, new Span(from, end.get(tp)));
        }
        return spans;
    }

    /**
     * Hands every record in the spans to {@code each}, partition by partition in offset order, until done,
     * {@code stop} says so, or {@code patience} passes without a record (then it throws).
     */
    static void read(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Span> spans,
                     java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each, BooleanSupplier stop,
                     Duration patience) {
        Map<TopicPartition, Span> open = new HashMap<>();
        spans.forEach((tp, s) -> {
            if (s.size() > 0) {
                open.put(tp, s);
            }
        });
        if (open.isEmpty()) {
            return;
        }
        consumer.assign(open.keySet());
        open.forEach((tp, s) -> consumer.seek(tp, s.start()));
        long lastProgress = System.nanoTime();
        while (!open.isEmpty() && !stop.getAsBoolean()) {
            var records = consumer.poll(Duration.ofMillis(200));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                Span s = open.get(tp);
                if (s != null && r.offset() < s.end()) {
                    each.accept(r);
                }
            }
            if (!records.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            for (TopicPartition tp : List.copyOf(open.keySet())) {
                // transaction markers and compacted gaps: the position passes the end without a record there
                if (consumer.position(tp) >= open.get(tp).end()) {
                    open.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
            if (System.nanoTime() - lastProgress > patience.toNanos()) {
                throw new IllegalStateException("no records read for " + patience.toSeconds() + " s; still open: "
                        + open.keySet());
            }
        }
    }
}
