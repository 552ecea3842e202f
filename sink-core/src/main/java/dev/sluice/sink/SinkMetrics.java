package dev.sluice.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * Per sink, consumer group and project: what was delivered, retried, parked, dead-lettered and discarded,
 * batch sizes, latency. The group tag tells apart the consumers of one sink (a webhook's endpoints).
 */
public final class SinkMetrics {

    private final MeterRegistry registry;
    private final String sink;
    private final String group;
    private final Map<String, Counter> discards = new ConcurrentHashMap<>();
    private final DistributionSummary batchRecords;
    private final DistributionSummary batchBytes;
    private final Map<String, Counter> records = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Counter rebuilds;

    public SinkMetrics(MeterRegistry registry, String sink, String group, Clock clock) {
        this.registry = registry;
        this.sink = sink;
        this.group = group;
        this.clock = clock;
        this.rebuilds = Counter.builder("sluice.sink.consumer.rebuilds").tag("sink", sink).tag("group", group)
                .description("Consumers dropped after a failure and made again").register(registry);
        this.batchRecords = DistributionSummary.builder("sluice.sink.batch.records")
                .tag("sink", sink).tag("group", group)
                .description("Records per delivery call").publishPercentileHistogram().register(registry);
        this.batchBytes = DistributionSummary.builder("sluice.sink.batch.bytes")
                .tag("sink", sink).tag("group", group)
                .baseUnit("bytes").description("Bytes per delivery call").register(registry);
    }

    /**
     * {@code sluice_sink_records_total{sink,group,project,outcome}}: delivered, retried, parked,
     * dead_lettered, discarded.
     */
    public void record(String project, String outcome) {
        String p = project == null ? "" : project;
        records.computeIfAbsent(p + '\u0000' + outcome, k -> Counter.builder("sluice.sink.records")
                .description("Records by what became of them")
                .tag("sink", sink).tag("group", group).tag("project", p).tag("outcome", outcome)
                .register(registry)).increment();
    }

    /** {@code sluice_sink_discarded_total{sink,group,code}}: why records were of no use to this destination. */
    public void discarded(String code) {
        String c = code == null ? "" : code;
        discards.computeIfAbsent(c, k -> Counter.builder("sluice.sink.discarded")
                .description("Records this destination has no use for, by the sink's reason code")
                .tag("sink", sink).tag("group", group).tag("code", c).register(registry)).increment();
    }

    public void batch(int records, long bytes) {
        batchRecords.record(records);
        batchBytes.record(bytes);
    }

    /** {@code sluice_sink_delivery_latency_seconds{sink,group,project}}: ingest receipt to destination acceptance. */
    public void latency(String project, long receivedAtMillis) {
        String p = project == null ? "" : project;
        latencies.computeIfAbsent(p, k -> Timer.builder("sluice.sink.delivery.latency")
                        .tag("sink", sink).tag("group", group).tag("project", p).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofHours(1)).register(registry))
                .record(Duration.ofMillis(Math.max(0, clock.millis() - receivedAtMillis)));
    }

    /** {@code sluice_sink_consumer_rebuilds_total{sink,group}}: the loop survived a consumer or commit failure. */
    public void consumerRebuilt() {
        rebuilds.increment();
    }

    /** {@code sluice_sink_send_rate_limit{sink,group}}: calls a second the destination may have now (+Inf: no limit). */
    public void sendRate(DoubleSupplier callsPerSecond) {
        Gauge.builder("sluice.sink.send.rate.limit", callsPerSecond, DoubleSupplier::getAsDouble)
                .tag("sink", sink).tag("group", group)
                .description("Calls a second the destination may get, lowered when it throttles").register(registry);
    }

    /** {@code sluice_sink_calls_in_flight{sink,group}}: delivery calls waiting for the destination's answer now. */
    public void callsInFlight(IntSupplier calls) {
        Gauge.builder("sluice.sink.calls.in.flight", calls, IntSupplier::getAsInt)
                .tag("sink", sink).tag("group", group)
                .description("Delivery calls running now").register(registry);
    }
}
