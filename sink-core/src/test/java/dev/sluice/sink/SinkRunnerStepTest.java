package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.EventHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The loop turn by turn on Kafka's MockConsumer and MockProducer with a hand-moved clock: the
 * committed offset is checked after every turn, through partial failures, failing parking and DLQ
 * writes, a rebalance, a failed commit and a consumer exception.
 */
class SinkRunnerStepTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final String SOURCE = "t.events.track";
    private static final TopicPartition P0 = new TopicPartition(SOURCE, 0);
    private static final TopicPartition P1 = new TopicPartition(SOURCE, 1);

    private final MutableClock clock = new MutableClock(T0);
    private final MockLog log = new MockLog(List.of(P0, P1));
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());

    private SinkConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SLUICE_TOPIC_PREFIX", "t.",
                "SLUICE_SINK_TOPICS", SOURCE,
                "SLUICE_SINK_BACKOFF_BASE", "PT0.1S",
                "SLUICE_SINK_BACKOFF_MAX", "PT1S",
                "SLUICE_SINK_PARK_AFTER", "PT10S",
                "SLUICE_SINK_LINGER", "PT0S"));
        env.putAll(extra);
        return SinkConfig.fromEnv(env, "sink-fake", 0);
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private SinkRunner runner(SinkConfig config, Sink sink) {
        return new SinkRunner(config, sink, registry, null, clock, log::newConsumer, producer);
    }

    /** Offsets (per partition) that were delivered, or acknowledged in the retry topic or DLQ. */
    private Set<String> settled(FakeSink sink) {
        Set<String> done = new HashSet<>(sink.delivered);
        done.addAll(sink.discarded);
        for (ProducerRecord<String, byte[]> r : producer.history()) {
            done.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return done;
    }

    /** The rule under test: no partition's committed offset is past a record that is not settled. */
    private void assertCommitsNeverPassAnUnsettledRecord(FakeSink sink, String when) {
        Set<String> done = settled(sink);
        for (TopicPartition tp : List.of(P0, P1)) {
            long committed = log.committed(tp);
            for (ConsumerRecord<String, byte[]> r : log.records.get(tp)) {
                if (r.offset() < committed && !done.contains(new String(r.value(), StandardCharsets.UTF_8))) {
                    org.assertj.core.api.Assertions.fail("%s: %s committed at %d, past the unsettled record at %d",
                            when, tp, committed, r.offset());
                }
            }
        }
    }

    private void turns(SinkRunner runner, FakeSink sink, int n, String when) {
        for (int i = 0; i < n; i++) {
            runner.turn();
            clock.advance(Duration.ofMillis(50));
            assertCommitsNeverPassAnUnsettledRecord(sink, when + " turn " + i);
        }
    }

    @Test
    void theCommittedOffsetNeverPassesAnUndeliveredRecordAtAnyStep() {
        Random random = new Random(42);
        // a quarter of the records fail twice (partial failures inside a call); every 50th is refused for good
        Set<String> flaky = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            if (random.nextInt(4) == 0) {
                flaky.add("v" + i);
            }
        }
        FakeSink sink = new FakeSink((v, n) -> Integer.parseInt(v.substring(1)) % 50 == 13
                ? Delivery.permanentFailure("http_400", "bad")
                : flaky.contains(v) && n <= 2 ? Delivery.transientFailure("http_503", "partial") : Delivery.delivered(),
                new BatchLimits(20, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(config(Map.of()), sink);

        appendRange(0, 50);
        turns(runner, sink, 5, "partial failures");

        // DLQ writes fail for a while: nothing may be committed past the records waiting for them
        appendRange(50, 100);
        producer.sendException = new KafkaException("injected: the DLQ is unavailable");
        turns(runner, sink, 10, "failing DLQ write");
        assertThat(log.committed(P0) + log.committed(P1)).isLessThan(100);
        producer.sendException = null;

        appendRange(100, 150);
        turns(runner, sink, 1, "before losing a partition");
        log.current.assign(Set.of(P0));
        turns(runner, sink, 3, "after losing a partition");
        log.current.assign(Set.of(P0, P1));
        turns(runner, sink, 3, "after getting it back");

        appendRange(150, 200);
        log.failCommits.set(true);
        turns(runner, sink, 2, "failing commits");
        log.failCommits.set(false);
        turns(runner, sink, 2, "commits back");

        appendRange(200, 250);
        turns(runner, sink, 1, "before a consumer exception");
        log.current.setPollException(new KafkaException("injected: the broker went away"));
        turns(runner, sink, 3, "after a consumer exception");
        appendRange(250, 300);
        turns(runner, sink, 60, "to the end");

        assertThat(log.consumersMade.get()).as("consumers made (the loop rebuilt its consumer)").isGreaterThan(2);
        assertThat(log.committed(P0) + log.committed(P1)).isEqualTo(300);
        Set<String> done = settled(sink);
        for (int i = 0; i < 300; i++) {
            assertThat(done).contains("v" + i);
        }
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly("t.dlq.sink-fake");
        // v13, v63, … v263; some written again when the commit after their DLQ write failed (at least once)
        assertThat(producer.history()).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsOnly(
                "v13", "v63", "v113", "v163", "v213", "v263");
        assertThat(flaky).filteredOn(v -> Integer.parseInt(v.substring(1)) % 50 != 13)
                .allSatisfy(v -> assertThat(sink.delivered).contains(v));
    }

    private void appendRange(int from, int to) {
        for (int i = from; i < to; i++) {
            append(i);
        }
    }

    @Test
    void failedRecordsDoNotHoldUpTheirPartitionAndAreRetriedAlongsideNewOnes() {
        for (int i = 0; i < 40; i++) {
            append(i);
        }
        // v0 (partition 0's head) fails until 3 s have passed
        FakeSink sink = new FakeSink((v, n) -> v.equals("v0") && clock.instant().isBefore(T0.plusSeconds(3))
                ? Delivery.transientFailure("http_503", "partial") : Delivery.delivered(),
                new BatchLimits(10, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(config(Map.of()), sink);
        // new records keep arriving while v0 fails
        for (int i = 40; i < 60; i += 2) {
            append(i);
            append(i + 1);
            turns(runner, sink, 1, "v0 failing");
        }
        // every other record of its partition went through meanwhile, but the commit waits for v0
        assertThat(sink.delivered).hasSize(59).doesNotContain("v0");
        assertThat(log.committed(P0)).isZero();
        assertThat(log.committed(P1)).isEqualTo(30);
        // v0's retries shared calls with new records
        assertThat(sink.batches.stream().filter(b -> b.contains("v0")).skip(1)).anySatisfy(
                b -> assertThat(b).hasSizeGreaterThan(1));
        turns(runner, sink, 80, "v0 recovering");
        assertThat(sink.delivered).hasSize(60);
        assertThat(log.committed(P0)).isEqualTo(30);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aFailingRecordDoesNotStopItsPartitionEvenWithThousandsBehindIt() {
        for (int i = 0; i < 3000; i++) {
            log.append(P0, "project-a", "w" + i, T0.toEpochMilli());
        }
        // w0 fails for 5 s; 3,000 records after it are three times what a partition may hold unsettled
        FakeSink sink = new FakeSink((v, n) -> v.equals("w0") && clock.instant().isBefore(T0.plusSeconds(5))
                ? Delivery.transientFailure("http_503", "partial") : Delivery.delivered(),
                new BatchLimits(100, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(config(Map.of()), sink);
        turns(runner, sink, 40, "w0 failing"); // 2 s
        assertThat(sink.delivered).hasSize(2999).doesNotContain("w0");
        assertThat(log.committed(P0)).isZero();
        turns(runner, sink, 100, "w0 recovering");
        assertThat(sink.delivered).hasSize(3000);
        assertThat(log.committed(P0)).isEqualTo(3000);
    }

    @Test
    void aDiscardedRecordIsSettledAndCountedWithItsCodeButNeitherRetriedNorDeadLettered() {
        appendRange(0, 10);
        FakeSink sink = new FakeSink((v, n) -> v.equals("v3") || v.equals("v6")
                ? Delivery.discarded("no_email", "identify without traits.email") : Delivery.delivered(),
                new BatchLimits(10, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(config(Map.of()), sink);
        turns(runner, sink, 20, "discarding");
        assertThat(sink.discarded).containsExactlyInAnyOrder("v3", "v6");
        assertThat(sink.attempts.get("v3").get()).isEqualTo(1);
        assertThat(producer.history()).isEmpty();
        assertThat(log.committed(P0) + log.committed(P1)).isEqualTo(10);
        assertThat(registry.get("sluice.sink.discarded").tag("code", "no_email").counter().count()).isEqualTo(2);
        assertThat(registry.get("sluice.sink.records").tag("outcome", "discarded").counters().stream()
                .mapToDouble(c -> c.count()).sum()).isEqualTo(2.0);
    }

    @Test
    void aRecordIsParkedOnlyAfterFailingForTheParkTime() {
        append(0);
        append(1);
        FakeSink sink = new FakeSink((v, n) -> v.equals("v0") ? Delivery.transientFailure("http_503", "down")
                : Delivery.delivered(), new BatchLimits(10, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(config(Map.of("SLUICE_SINK_PARK_AFTER", "PT5S")), sink);
        turns(runner, sink, 80, "v0 failing"); // 4 s
        assertThat(producer.history()).isEmpty();
        assertThat(log.committed(P0)).isZero();
        turns(runner, sink, 60, "v0 still failing"); // 7 s
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("t.retry.sink-fake");
            assertThat(EventHeaders.text(r.headers(), RetryHeaders.PARKINGS)).isEqualTo("1");
        });
        assertThat(log.committed(P0)).isEqualTo(1);
        assertThat(sink.attempts.get("v0").get()).isGreaterThan(4);
    }

    @Test
    void aDownDestinationIsCalledLessAndGetsEverythingSoonOnceItIsBack() {
        appendRange(0, 100);
        Instant back = T0.plusSeconds(20);
        List<Instant> deliveredAt = new java.util.ArrayList<>();
        FakeSink sink = new FakeSink((v, n) -> {
            if (clock.instant().isBefore(back)) {
                return Delivery.transientFailure("http_503", "down");
            }
            deliveredAt.add(clock.instant());
            return Delivery.delivered();
        }, new BatchLimits(50, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(config(Map.of("SLUICE_SINK_BACKOFF_MAX", "PT5S", "SLUICE_SINK_PARK_AFTER",
                "PT1M")), sink);
        turns(runner, sink, 400, "destination down"); // 20 s
        // halving the call rate on every failed call: a few dozen calls, not one per record's backoff
        int callsWhileDown = sink.batches.size();
        assertThat(callsWhileDown).isLessThan(30);
        turns(runner, sink, 200, "destination back"); // 10 s more
        assertThat(sink.delivered).hasSize(100);
        // the calls while down carried every record whose backoff was over, so once one call went
        // through the rest followed at once
        Instant first = deliveredAt.get(0);
        Instant last = deliveredAt.get(deliveredAt.size() - 1);
        assertThat(Duration.between(first, last)).isLessThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(producer.history()).isEmpty();
        assertThat(log.committed(P0) + log.committed(P1)).isEqualTo(100);
    }

    private void append(int i) {
        log.append(i % 2 == 0 ? P0 : P1, "project-" + (i % 3), "v" + i, T0.toEpochMilli());
    }
}
