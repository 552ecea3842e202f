package dev.sluice.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** A sink whose answers a test scripts: given a value and its attempt number, what happens. */
class FakeSink implements Sink {

    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final List<String> delivered = new CopyOnWriteArrayList<>();
    final List<String> discarded = new CopyOnWriteArrayList<>();
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    /** What the sink says of itself to the runtime (a test may change them before starting the loop). */
    int maxCalls = 1;
    boolean partitionOrder = true;
    private final BiFunction<SinkRecord, Integer, Delivery> behaviour;
    private final BatchLimits limits;

    FakeSink(BiFunction<String, Integer, Delivery> behaviour) {
        this(behaviour, new BatchLimits(50, 1_000_000, 1000, Duration.ofMillis(20)));
    }

    FakeSink(BiFunction<String, Integer, Delivery> behaviour, BatchLimits limits) {
        this(limits, (r, n) -> behaviour.apply(new String(r.value(), StandardCharsets.UTF_8), n));
    }

    /** @param behaviour given the whole record (its headers too) and its attempt number */
    FakeSink(BatchLimits limits, BiFunction<SinkRecord, Integer, Delivery> behaviour) {
        this.behaviour = behaviour;
        this.limits = limits;
    }

    @Override
    public BatchLimits limits() {
        return limits;
    }

    @Override
    public int maxCallsInFlight() {
        return maxCalls;
    }

    @Override
    public boolean keepsPartitionOrder() {
        return partitionOrder;
    }

    @Override
    public List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) {
        List<Delivery> out = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (SinkRecord r : batch) {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            values.add(v);
            int n = attempts.computeIfAbsent(v, k -> new AtomicInteger()).incrementAndGet();
            Delivery d = behaviour.apply(r, n);
            if (d.outcome() == Delivery.Outcome.DELIVERED) {
                delivered.add(v);
            } else if (d.outcome() == Delivery.Outcome.DISCARDED) {
                discarded.add(v);
            }
            out.add(d);
        }
        batches.add(values);
        return out;
    }
}
