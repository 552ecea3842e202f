package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.model.EventHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Several delivery calls at once, turn by turn on Kafka's MockConsumer, with calls that answer only
 * when the test lets them: which records a call may take and what is committed meanwhile.
 */
class SinkRunnerCallsTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final String SOURCE = "t.events.track";
    private static final TopicPartition P0 = new TopicPartition(SOURCE, 0);
    private static final TopicPartition P1 = new TopicPartition(SOURCE, 1);

    private final MutableClock clock = new MutableClock(T0);
    private final MockLog log = new MockLog(List.of(P0, P1));
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    /** Calls started and not yet let answer. */
    private final List<Runnable> held = new ArrayList<>();
    private final Executor holding = held::add;

    private SinkRunner runner(Sink sink, Executor calls, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SLUICE_TOPIC_PREFIX", "t.",
                "SLUICE_SINK_TOPICS", SOURCE,
                "SLUICE_SINK_BACKOFF_BASE", "PT0.1S",
                "SLUICE_SINK_BACKOFF_MAX", "PT0.2S",
                "SLUICE_SINK_PARK_AFTER", "PT10S"));
        env.putAll(extra);
        return new SinkRunner(SinkConfig.fromEnv(env, "sink-fake", 0), sink, new SimpleMeterRegistry(), null, clock,
                log::newConsumer, producer, DeliveryLog.OFF, calls);
    }

    private static FakeSink sink(int maxCalls, boolean partitionOrder, BatchLimits limits) {
        FakeSink sink = new FakeSink((v, n) -> Delivery.delivered(), limits);
        sink.maxCalls = maxCalls;
        sink.partitionOrder = partitionOrder;
        return sink;
    }

    private void append(TopicPartition tp, String value) {
        log.append(tp, "project-a", value, T0.toEpochMilli());
    }

    private void answer(int call) {
        held.remove(call).run();
    }

    @Test
    void callsInFlightNeverShareAPartitionWhenTheSinkKeepsPartitionOrder() {
        FakeSink sink = sink(2, true, new BatchLimits(5, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(sink, holding, Map.of());
        for (int i = 0; i < 10; i++) {
            append(i % 2 == 0 ? P0 : P1, "v" + i);
        }
        runner.turn();
        assertThat(held).as("one call per partition, both at once").hasSize(2);

        append(P0, "v10");
        append(P1, "v11");
        runner.turn();
        assertThat(held).as("no slot free: nothing more starts").hasSize(2);
        assertThat(log.committed(P0) + log.committed(P1)).as("nothing answered, nothing committed").isZero();

        answer(0); // whichever partition's call started first
        runner.turn();
        List<String> even = List.of("v0", "v2", "v4", "v6", "v8");
        List<String> odd = List.of("v1", "v3", "v5", "v7", "v9");
        assertThat(sink.batches).hasSize(1);
        boolean p0First = sink.batches.get(0).equals(even);
        TopicPartition first = p0First ? P0 : P1;
        TopicPartition second = p0First ? P1 : P0;
        assertThat(sink.batches.get(0)).isEqualTo(p0First ? even : odd);
        assertThat(log.committed(first)).isEqualTo(5);
        assertThat(log.committed(second)).as("its call has not answered").isZero();
        assertThat(held).as("the answered partition's next record goes, the other's waits for its call").hasSize(2);

        answer(0); // the other partition's first call
        runner.turn();
        assertThat(held).as("the first partition's second call and now the other's").hasSize(2);
        answer(0);
        answer(0);
        runner.turn();
        assertThat(sink.batches).containsExactlyInAnyOrder(even, odd, List.of("v10"), List.of("v11"));
        assertThat(sink.batches.get(1)).isEqualTo(p0First ? odd : even);
        assertThat(log.committed(P0)).isEqualTo(6);
        assertThat(log.committed(P1)).isEqualTo(6);
    }

    @Test
    void aSinkWithoutPartitionOrderGetsOnePartitionInSeveralCallsAtOnce() {
        FakeSink sink = sink(3, false, new BatchLimits(5, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(sink, holding, Map.of());
        for (int i = 0; i < 12; i++) {
            append(P0, "v" + i);
        }
        runner.turn();
        assertThat(held).hasSize(3);
        while (!held.isEmpty()) {
            answer(held.size() - 1); // the last call answers first
        }
        runner.turn();
        assertThat(sink.batches).containsExactly(List.of("v10", "v11"), List.of("v5", "v6", "v7", "v8", "v9"),
                List.of("v0", "v1", "v2", "v3", "v4"));
        assertThat(log.committed(P0)).isEqualTo(12);
    }

    @Test
    void theSettingOverridesTheSinksOwnNumberOfCalls() {
        FakeSink sink = sink(4, true, new BatchLimits(1, 1_000_000, 1000, Duration.ZERO));
        SinkRunner runner = runner(sink, holding, Map.of("SLUICE_SINK_MAX_IN_FLIGHT", "1"));
        append(P0, "a");
        append(P1, "b");
        runner.turn();
        assertThat(held).hasSize(1);
    }

    @Test
    void anErrorThrownByTheSinkOnACallThreadStopsTheLoopAsItWouldOnItsOwnThread() {
        FakeSink sink = new FakeSink(new BatchLimits(5, 1_000_000, 1000, Duration.ZERO), (r, n) -> {
            throw new NoClassDefFoundError("a class the sink needs");
        });
        SinkRunner runner = runner(sink, holding, Map.of());
        append(P0, "v0");
        runner.turn();
        answer(0);
        assertThatThrownBy(runner::turn).isInstanceOf(NoClassDefFoundError.class);
        assertThat(log.committed(P0)).isZero();
    }
}
