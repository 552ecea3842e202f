package dev.sluice.sink;

import dev.sluice.runtime.AdminServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink as a running service: its consumers' retry and DLQ topics ensured, one runner thread per consumer,
 * one admin server for them all (ready while every runner is).
 */
public final class SinkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);

    private final List<SinkUnit> units;
    private final List<SinkRunner> runners;
    private final AdminServer admin;
    private final PrometheusMeterRegistry registry;

    private SinkService(List<SinkUnit> units, List<SinkRunner> runners, AdminServer admin,
                        PrometheusMeterRegistry registry) {
        this.units = units;
        this.runners = runners;
        this.admin = admin;
        this.registry = registry;
    }

    /** @param replay a bounded replay run, or null to run the live consumer group */
    public static SinkService start(SinkConfig config, Sink sink, ReplayRange replay) {
        return start(config, sink, replay, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** @param registry where the runtime's meters go, shared with the sink's own */
    public static SinkService start(SinkConfig config, Sink sink, ReplayRange replay,
                                    PrometheusMeterRegistry registry) {
        return start(List.of(SinkUnit.single(config, sink)), replay, registry);
    }

    /**
     * Starts every unit of a sink; the admin server's address and port are the first unit's.
     *
     * @param replay a bounded replay run of the only unit, or null to run the live groups
     */
    public static SinkService start(List<SinkUnit> units, ReplayRange replay, PrometheusMeterRegistry registry) {
        if (units.isEmpty() || replay != null && units.size() != 1) {
            throw new IllegalArgumentException("a sink needs at least one unit, and a replay acts for exactly one");
        }
        SinkConfig first = units.get(0).config();
        List<String> topics = new ArrayList<>();
        units.forEach(u -> topics.addAll(List.of(u.config().retryTopic(), u.config().dlqTopic())));
        first.kafka().topicCreator().ensure(topics, Duration.ofSeconds(30));
        if (first.deliveryLog().enabled()) {
            first.kafka().topicCreator().ensure(List.of(first.deliveriesTopic()), Map.of(
                    "cleanup.policy", "delete",
                    "retention.ms", Long.toString(first.deliveryLog().retention().toMillis())), Duration.ofSeconds(30));
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        List<SinkRunner> runners = new ArrayList<>();
        for (SinkUnit unit : units) {
            SinkRunner runner = new SinkRunner(unit.config(), unit.sink(), registry, replay);
            runners.add(runner);
            String thread = units.size() == 1 ? unit.config().sinkName() : unit.config().sinkName() + "-" + unit.name();
            new Thread(runner, thread + (replay == null ? "-loop" : "-replay")).start();
        }
        BooleanSupplier allAlive = () -> runners.stream().allMatch(SinkRunner::isAlive);
        AdminServer admin = AdminServer.start(first.adminBind(), replay == null ? first.adminPort() : 0, allAlive,
                allAlive, registry::scrape);
        LOG.info("event=sink_service_started sink={} units={} adminPort={}", first.sinkName(), units.size(),
                admin.port());
        return new SinkService(List.copyOf(units), List.copyOf(runners), admin, registry);
    }

    public int adminPort() {
        return admin.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** For a replay: waits until the range is delivered; true if it was completed. */
    public boolean awaitReplay(Duration timeout) throws InterruptedException {
        SinkRunner runner = runners.get(0);
        return runner.awaitStopped(timeout) && runner.isFinished();
    }

    @Override
    public void close() {
        // ask every runner to stop first, so the units wind down together rather than one after another
        runners.forEach(SinkRunner::requestStop);
        for (SinkRunner runner : runners) {
            runner.stop(Duration.ofSeconds(30));
        }
        admin.close();
        units.forEach(u -> u.sink().close());
    }
}
