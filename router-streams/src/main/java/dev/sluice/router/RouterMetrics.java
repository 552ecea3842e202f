package dev.sluice.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The router's own meters; Kafka Streams' are bound beside them. */
public final class RouterMetrics {

    private final MeterRegistry registry;
    private final Timer latency;
    private final Map<String, Counter> events = new ConcurrentHashMap<>();

    public RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("sluice.router.latency")
                .description("Ingest's write of the event to ingest.raw to its routed copy being readable (committed)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }

    /** {@code sluice_router_events_total{project,type,outcome}}: routed, duplicate or rejected. */
    public void event(String project, String type, String outcome) {
        // a map lookup instead of Micrometer's builder and registry lookup on every event
        events.computeIfAbsent(project + '\u0000' + type + '\u0000' + outcome, k -> Counter.builder("sluice.router.events")
                .description("Events leaving the router, by outcome")
                .tag("project", project).tag("type", type).tag("outcome", outcome).register(registry)).increment();
    }

    /** {@code sluice_router_rejected_total{reason}}. */
    public void rejected(String reason) {
        Counter.builder("sluice.router.rejected").description("Events or raw records rejected, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** {@code sluice_router_raw_records_total}: requests read from ingest.raw. */
    public void rawRecord() {
        Counter.builder("sluice.router.raw.records").description("Records read from ingest.raw")
                .register(registry).increment();
    }

    /** {@code sluice_router_latency_seconds}: recorded when the transaction carrying the event commits. */
    public void latency(Duration d) {
        latency.record(d.isNegative() ? Duration.ZERO : d);
    }
}
