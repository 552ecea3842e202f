package dev.sluice.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The ingest API's own meters: events and requests by outcome, and request latency. */
public final class IngestMetrics {

    private final MeterRegistry registry;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code sluice_ingest_events_total{project,type,outcome}}; outcome is accepted, rejected or failed. */
    public void events(String project, String type, String outcome, int count) {
        if (count == 0) {
            return;
        }
        Counter.builder("sluice.ingest.events").description("Events received, by project, type and outcome")
                .tag("project", project).tag("type", type).tag("outcome", outcome)
                .register(registry).increment(count);
    }

    /** {@code sluice_ingest_requests_total{route,status}} and {@code sluice_ingest_request_duration_seconds}. */
    public void request(String route, int status, long startNanos) {
        String statusText = Integer.toString(status);
        Counter.builder("sluice.ingest.requests").description("HTTP requests, by route and status")
                .tag("route", route).tag("status", statusText).register(registry).increment();
        Timer.builder("sluice.ingest.request.duration").description("Time from request to response")
                .tag("route", route).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
