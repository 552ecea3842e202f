package dev.sluice.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/** The console's own metrics ({@code /metrics}): page clients, what it keeps in memory, redrives, replays, the JVM. */
final class ConsoleMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    ConsoleMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** {@code sluice_console_sse_clients{feed}}: pages holding a server-sent-events stream open. */
    void sseClients(String feed, Supplier<Number> count) {
        Gauge.builder("sluice.console.sse.clients", count).tag("feed", feed)
                .description("Pages holding a server-sent-events stream open").register(registry);
    }

    /** {@code sluice_console_index_size{kind}}: items kept in memory, by kind. */
    void indexSize(String kind, Supplier<Number> size) {
        Gauge.builder("sluice.console.index.size", size).tag("kind", kind)
                .description("Items the console keeps in memory, by kind").register(registry);
    }

    /** {@code sluice_console_redriven_records_total{group}}. */
    void redriven(String group, int records) {
        Counter.builder("sluice.console.redriven.records").tag("group", group)
                .description("DLQ records sent back to their group's retry topic").register(registry)
                .increment(records);
    }

    /** {@code sluice_console_replays_total{group}}. */
    void replayStarted(String group) {
        Counter.builder("sluice.console.replays").tag("group", group).description("Replays started")
                .register(registry).increment();
    }

    /** {@code sluice_console_replayed_records_total{group}}. */
    void replayed(String group) {
        Counter.builder("sluice.console.replayed.records").tag("group", group)
                .description("Typed-topic records copied into a group's retry topic by replays").register(registry)
                .increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
