package dev.sluice.sink;

import dev.sluice.model.AdminServer;
import dev.sluice.model.TopicCreator;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A sink as a running service: its retry and DLQ topics ensured, the runner on its own thread, admin endpoints up. */
public final class SinkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);

    private final Sink sink;
    private final SinkRunner runner;
    private final AdminServer admin;
    private final PrometheusMeterRegistry registry;

    private SinkService(Sink sink, SinkRunner runner, AdminServer admin, PrometheusMeterRegistry registry) {
        this.sink = sink;
        this.runner = runner;
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
        new TopicCreator(config.bootstrapServers(), config.topicPartitions(), config.topicReplication())
                .ensure(List.of(config.retryTopic(), config.dlqTopic()), Duration.ofSeconds(30));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        SinkRunner runner = new SinkRunner(config, sink, registry, replay);
        Thread thread = new Thread(runner, config.sinkName() + (replay == null ? "-loop" : "-replay"));
        thread.start();
        AdminServer admin = AdminServer.start(config.adminBind(), replay == null ? config.adminPort() : 0, runner::isAlive,
                runner::isAlive, registry::scrape);
        LOG.info("event=sink_service_started sink={} adminPort={}", config.sinkName(), admin.port());
        return new SinkService(sink, runner, admin, registry);
    }

    public int adminPort() {
        return admin.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** For a replay: waits until the range is delivered; true if it was completed. */
    public boolean awaitReplay(Duration timeout) throws InterruptedException {
        return runner.awaitStopped(timeout) && runner.isFinished();
    }

    @Override
    public void close() {
        runner.stop(Duration.ofSeconds(30));
        admin.close();
        sink.close();
    }
}
