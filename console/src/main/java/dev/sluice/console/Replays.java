package dev.sluice.console;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.ParkingHeaders;
import dev.sluice.model.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backfills of one sink group: copies the typed topics' records of a time range (optionally of some
 * types) into the group's retry topic, due now, so that group alone delivers them again; one at a time
 * per group. Cancelling stops the copying; what was copied is delivered.
 */
final class Replays implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replays.class);

    private final ClusterClients clients;
    private final Topics topics;
    private final Deliveries deliveries;
    private final ConsoleMetrics metrics;
    private final Clock clock;
    private final Map<String, Replay> byGroup = new ConcurrentHashMap<>();

    Replays(ClusterClients clients, Topics topics, Deliveries deliveries, ConsoleMetrics metrics, Clock clock) {
        this.clients = clients;
        this.topics = topics;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Where a replay stands. */
    enum State { COUNTING, COPYING, DONE, CANCELLED, FAILED }

    /** One replay and its progress; {@code delivered} comes from the delivery log. */
    final class Replay {
        final String group;
        final String retryTopic;
        final Instant from;
        final Instant to;
        final List<EventType> types;
        final Instant startedAt;
        /** Offsets in the range while copying (an upper bound: transaction markers take offsets); records once done. */
        final AtomicLong total = new AtomicLong();
        final AtomicLong copied = new AtomicLong();
        final AtomicReference<State> state = new AtomicReference<>(State.COUNTING);
        volatile String error;
        volatile boolean cancel;
        volatile Instant finishedAt;

        Replay(String group, String retryTopic, Instant from, Instant to, List<EventType> types, Instant startedAt) {
            this.group = group;
            this.retryTopic = retryTopic;
            this.from = from;
            this.to = to;
            this.types = types;
            this.startedAt = startedAt;
        }

        /** Events of this group delivered since the replay started whose record time lies in its range. */
        long delivered() {
            return deliveries.deliveredSince(group, startedAt.toEpochMilli(), from.toEpochMilli(), to.toEpochMilli());
        }

        boolean running() {
            State s = state.get();
            return s == State.COUNTING || s == State.COPYING;
        }
    }

    /** Starts a replay; refused while one of the same group runs. {@code to} later than now is taken as now. */
    synchronized Replay start(String group, String sink, Instant from, Instant to, List<EventType> types) {
        Replay running = byGroup.get(group);
        if (running != null && running.running()) {
            throw new IllegalStateException("a replay of " + group + " is running since " + running.startedAt);
        }
        Instant now = clock.instant();
        Instant until = to.isAfter(now) ? now : to;
        if (!from.isBefore(until)) {
            throw new IllegalArgumentException("from must be before to (and before now)");
        }
        Replay r = new Replay(group, topics.retry(sink, group), from, until,
                types.isEmpty() ? List.of(EventType.values()) : List.copyOf(types), now);
        byGroup.put(group, r);
        Thread t = new Thread(() -> run(r), "console-replay-" + group);
        t.setDaemon(true);
        t.start();
        metrics.replayStarted(group);
        return r;
    }

    /** The group's latest replay, running or not; null when none since the console started. */
    Replay of(String group) {
        return byGroup.get(group);
    }

    /** Stops the group's replay from copying more; null when there is none. */
    Replay cancel(String group) {
        Replay r = byGroup.get(group);
        if (r != null) {
            r.cancel = true;
        }
        return r;
    }

    private void run(Replay r) {
        try (Consumer<byte[], byte[]> consumer = clients.consumer("sluice-console-replay")) {
            if (TopicRange.partitions(consumer, r.retryTopic).isEmpty()) {
                throw new IllegalStateException(r.retryTopic + " does not exist: is the sink group running?");
            }
            Map<TopicPartition, TopicRange.Span> spans = new HashMap<>();
            for (EventType type : r.types) {
                List<TopicPartition> parts = TopicRange.partitions(consumer, topics.events(type));
                if (parts.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(10));
                Map<TopicPartition, Long> start = at(consumer, parts, r.from, end);
                Map<TopicPartition, Long> stop = at(consumer, parts, r.to, end);
                for (TopicPartition tp : parts) {
                    spans.put(tp, new TopicRange.Span(start.get(tp), stop.get(tp)));
                }
            }
            r.total.set(spans.values().stream().mapToLong(TopicRange.Span::size).sum());
            r.state.set(State.COPYING);
            LOG.info("event=console_replay_started group={} from={} to={} types={} records={}", r.group, r.from,
                    r.to, r.types, r.total.get());
            List<Exception> failed = new ArrayList<>();
            Callback acked = (meta, e) -> {
                if (e != null) {
                    synchronized (failed) {
                        failed.add(e);
                    }
                } else {
                    r.copied.incrementAndGet();
                    metrics.replayed(r.group);
                }
            };
            TopicRange.read(consumer, spans, record -> {
                Headers h = ParkingHeaders.resetForRedrive(record.headers(), clock.instant());
                if (h.lastHeader(ParkingHeaders.ORIGIN_TOPIC) == null) {
                    EventHeaders.put(h, ParkingHeaders.ORIGIN_TOPIC, record.topic());
                    EventHeaders.put(h, ParkingHeaders.ORIGIN_PARTITION, Integer.toString(record.partition()));
                    EventHeaders.put(h, ParkingHeaders.ORIGIN_OFFSET, Long.toString(record.offset()));
                }
                clients.producer().send(new ProducerRecord<>(r.retryTopic, null, record.timestamp(), record.key(),
                        record.value(), h), acked);
            }, () -> r.cancel || !failed.isEmpty(), Duration.ofSeconds(30));
            clients.producer().flush();
            if (!failed.isEmpty()) {
                throw failed.get(0);
            }
            if (!r.cancel) {
                // offsets counted transaction markers too: the records copied are the true total
                r.total.set(r.copied.get());
            }
            r.state.set(r.cancel ? State.CANCELLED : State.DONE);
        } catch (Exception e) {
            r.error = e.getMessage();
            r.state.set(State.FAILED);
            LOG.warn("event=console_replay_failed group={} error=\"{}\"", r.group, e.toString());
        } finally {
            r.finishedAt = clock.instant();
            LOG.info("event=console_replay_finished group={} state={} copied={} total={}", r.group, r.state.get(),
                    r.copied.get(), r.total.get());
        }
    }

    /** The first offset at or after {@code t} in each partition; the end where there is none. */
    private static Map<TopicPartition, Long> at(Consumer<byte[], byte[]> consumer, List<TopicPartition> parts,
                                                Instant t, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> query = new HashMap<>();
        parts.forEach(tp -> query.put(tp, t.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(10));
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : parts) {
            OffsetAndTimestamp o = found.get(tp);
            out.put(tp, o == null ? end.get(tp) : o.offset());
        }
        return out;
    }

    @Override
    public void close() {
        byGroup.values().forEach(r -> r.cancel = true);
    }
}
