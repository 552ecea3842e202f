package dev.sluice.allinone;

import dev.sluice.console.Console;
import dev.sluice.console.ConsoleConfig;
import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.model.EnvReader;
import dev.sluice.router.RouterApp;
import dev.sluice.router.RouterConfig;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.firehose.FirehoseConfig;
import dev.sluice.sink.firehose.FirehoseDelivery;
import dev.sluice.sink.forwarder.ForwarderConfig;
import dev.sluice.sink.forwarder.SegmentForwarder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole pipeline in one process: the embedded broker (unless an external one is given) and the services. */
public final class AllInOne implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);

    private final EmbeddedKafkaBroker broker;
    private final String bootstrap;
    private final List<AutoCloseable> services = new ArrayList<>();
    private IngestApi ingest;
    private RouterApp router;
    private Console console;
    private SinkService firehose;
    private SinkService forwarder;

    private AllInOne(EmbeddedKafkaBroker broker, String bootstrap) {
        this.broker = broker;
        this.bootstrap = bootstrap;
    }

    /** Starts everything; each service reads the environment as it would alone. */
    public static AllInOne start(Map<String, String> environment) {
        AllInOneConfig config = AllInOneConfig.fromEnv(environment);
        if (environment.get("SLUICE_WRITE_KEYS") == null && environment.get("SLUICE_WRITE_KEYS_FILE") == null) {
            LOG.warn("event=dev_write_key_used writeKey=dev-write-key project=dev hint=\"set SLUICE_WRITE_KEYS\"");
        }
        boolean embedded = config.externalBootstrap() == null;
        // validate every service's settings before starting a broker
        Map<String, String> check = config.serviceEnv(environment, "localhost:9092", embedded, 0);
        IngestConfig.fromEnv(check);
        RouterConfig.fromEnv(check);
        ConsoleConfig.fromEnv(check);
        List<SinkConfig> sinks = new ArrayList<>();
        if (config.firehoseEnabled()) {
            Map<String, String> env = config.sinkEnv(environment, "sink-firehose", "localhost:9092", embedded, 0);
            sinks.add(SinkConfig.fromEnv(env, "sink-firehose", 0));
            FirehoseConfig.fromEnv(env);
        }
        if (config.forwarderEnabled()) {
            Map<String, String> env = config.sinkEnv(environment, "sink-forwarder", "localhost:9092", embedded, 0);
            sinks.add(SinkConfig.fromEnv(env, "sink-forwarder", 0));
            ForwarderConfig.fromEnv(env);
        }
        refuseSharedGroups(sinks);

        EmbeddedKafkaBroker broker = embedded ? EmbeddedKafkaBroker.start(config.dataDir(), config.kafkaPort()) : null;
        AllInOne sluice = new AllInOne(broker, embedded ? broker.bootstrapServers() : config.externalBootstrap());
        try {
            sluice.ingest = sluice.add(IngestApi.start(IngestConfig.fromEnv(
                    config.serviceEnv(environment, sluice.bootstrap, embedded, config.ingestAdminPort()))));
            sluice.router = sluice.add(RouterApp.start(RouterConfig.fromEnv(
                    config.serviceEnv(environment, sluice.bootstrap, embedded, config.routerAdminPort()))));
            sluice.console = sluice.add(Console.start(ConsoleConfig.fromEnv(
                    config.serviceEnv(environment, sluice.bootstrap, embedded, 0))));
            if (config.firehoseEnabled()) {
                sluice.firehose = sluice.add(startSink(config.sinkEnv(environment, "sink-firehose", sluice.bootstrap,
                        embedded, config.firehoseAdminPort()), "sink-firehose", (env, registry) -> {
                            FirehoseConfig fc = FirehoseConfig.fromEnv(env);
                            return new FirehoseDelivery(fc, FirehoseDelivery.client(fc), registry);
                        }));
            }
            if (config.forwarderEnabled()) {
                sluice.forwarder = sluice.add(startSink(config.sinkEnv(environment, "sink-forwarder", sluice.bootstrap,
                        embedded, config.forwarderAdminPort()), "sink-forwarder",
                        (env, registry) -> new SegmentForwarder(ForwarderConfig.fromEnv(env), registry)));
            }
            return sluice;
        } catch (RuntimeException e) {
            sluice.close();
            throw e;
        }
    }

    /**
     * Two different sinks in one consumer group would split the events between them, each destination
     * getting only part: refused before anything starts.
     */
    static void refuseSharedGroups(List<SinkConfig> sinks) {
        Map<String, String> sinkByGroup = new java.util.HashMap<>();
        for (SinkConfig s : sinks) {
            String other = sinkByGroup.putIfAbsent(s.groupId(), s.sinkName());
            if (other != null) {
                throw new EnvReader.ConfigException("SLUICE_SINK_GROUP_ID: " + other + " and " + s.sinkName()
                        + " would share the consumer group '" + s.groupId() + "', so each event would reach only one "
                        + "of them; give each sink its own, e.g. " + AllInOneConfig.sinkPrefix(s.sinkName())
                        + "SLUICE_SINK_GROUP_ID, or leave it unset for sluice-<sink>");
            }
        }
    }

    private static SinkService startSink(Map<String, String> env, String name,
                                         BiFunction<Map<String, String>, MeterRegistry, Sink> factory) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return SinkService.start(SinkConfig.fromEnv(env, name, 0), factory.apply(env, registry), null, registry);
    }

    private <T extends AutoCloseable> T add(T service) {
        services.add(service);
        return service;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public int ingestPort() {
        return ingest.port();
    }

    public int ingestAdminPort() {
        return ingest.adminPort();
    }

    public int routerAdminPort() {
        return router.adminPort();
    }

    /** The console's port (loopback only unless SLUICE_CONSOLE_BIND says otherwise). */
    public int consolePort() {
        return console.port();
    }

    /** sink-firehose's admin port, or -1 when no Firehose stream is configured. */
    public int firehoseAdminPort() {
        return firehose == null ? -1 : firehose.adminPort();
    }

    /** sink-forwarder's admin port, or -1 when no destination writeKey is configured. */
    public int forwarderAdminPort() {
        return forwarder == null ? -1 : forwarder.adminPort();
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (Exception e) {
                LOG.warn("event=service_stop_failed error=\"{}\"", e.toString());
            }
        }
        if (broker != null) {
            broker.close();
        }
    }
}
