package dev.sluice.allinone;

import dev.sluice.console.Console;
import dev.sluice.console.ConsoleConfig;
import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.router.RouterApp;
import dev.sluice.router.RouterConfig;
import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.sink.SinkPlugins;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkUnit;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process: the embedded broker (unless an external one is given), ingest, the
 * router and every sink on the classpath whose destination the environment configures.
 */
public final class AllInOne implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);

    private final EmbeddedKafkaBroker broker;
    private final String bootstrap;
    private final List<AutoCloseable> services = new ArrayList<>();
    private final Map<String, SinkService> sinks = new LinkedHashMap<>();
    private final List<SinkPlugin> plugins;
    private IngestApi ingest;
    private RouterApp router;
    private Console console;

    private AllInOne(EmbeddedKafkaBroker broker, String bootstrap, List<SinkPlugin> plugins) {
        this.broker = broker;
        this.bootstrap = bootstrap;
        this.plugins = plugins;
    }

    /** Starts everything with the sinks found on the classpath; each service reads the environment as it would alone. */
    public static AllInOne start(Map<String, String> environment) {
        return start(environment, SinkPlugins.discover());
    }

    static AllInOne start(Map<String, String> environment, List<SinkPlugin> plugins) {
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
        List<SinkPlugin> on = new ArrayList<>();
        List<SinkConfig> groups = new ArrayList<>();
        for (SinkPlugin plugin : plugins) {
            Map<String, String> env = config.sinkEnv(environment, plugin.name(), "localhost:9092", embedded, 0);
            if (plugin.configured(env)) {
                on.add(plugin);
                SinkConfig base = SinkConfig.fromEnv(env, plugin.name(), 0);
                // builds and drops the sinks once, so a bad setting stops everything before a broker starts
                for (SinkUnit unit : plugin.units(base, env, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                    groups.add(unit.config());
                    unit.sink().close();
                }
            }
        }
        refuseSharedGroups(groups);

        EmbeddedKafkaBroker broker = embedded ? EmbeddedKafkaBroker.start(config.dataDir(), config.kafkaPort()) : null;
        AllInOne sluice = new AllInOne(broker, embedded ? broker.bootstrapServers() : config.externalBootstrap(),
                plugins);
        try {
            sluice.ingest = sluice.add(IngestApi.start(IngestConfig.fromEnv(
                    config.serviceEnv(environment, sluice.bootstrap, embedded, config.ingestAdminPort()))));
            sluice.router = sluice.add(RouterApp.start(RouterConfig.fromEnv(
                    config.serviceEnv(environment, sluice.bootstrap, embedded, config.routerAdminPort()))));
            sluice.console = sluice.add(Console.start(ConsoleConfig.fromEnv(
                    config.serviceEnv(environment, sluice.bootstrap, embedded, 0))));
            for (SinkPlugin plugin : on) {
                Map<String, String> env = config.sinkEnv(environment, plugin.name(), sluice.bootstrap, embedded,
                        plugin.defaultAdminPort());
                PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                SinkConfig base = SinkConfig.fromEnv(env, plugin.name(), plugin.defaultAdminPort());
                sluice.sinks.put(plugin.name(),
                        sluice.add(SinkService.start(plugin.units(base, env, registry), null, registry)));
            }
            return sluice;
        } catch (RuntimeException e) {
            sluice.close();
            throw e;
        }
    }

    /**
     * Two consumers in one consumer group would split the events between them, each destination getting
     * only part: refused before anything starts.
     */
    static void refuseSharedGroups(List<SinkConfig> consumers) {
        Map<String, String> sinkByGroup = new HashMap<>();
        for (SinkConfig s : consumers) {
            String other = sinkByGroup.putIfAbsent(s.groupId(), s.sinkName());
            if (other != null) {
                throw new EnvReader.ConfigException("SLUICE_SINK_GROUP_ID: " + other + " and " + s.sinkName()
                        + " would share the consumer group '" + s.groupId() + "', so each event would reach only one "
                        + "of them; give each sink its own, e.g. " + AllInOneConfig.sinkPrefix(s.sinkName())
                        + "SLUICE_SINK_GROUP_ID, or leave it unset for sluice-<sink>");
            }
        }
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

    /** The sinks found on the classpath, running or not, in name order. */
    public List<SinkPlugin> sinkPlugins() {
        return plugins;
    }

    /** A running sink's admin port, or -1 when that sink is off (its destination not configured) or absent. */
    public int sinkAdminPort(String sinkName) {
        SinkService sink = sinks.get(sinkName);
        return sink == null ? -1 : sink.adminPort();
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
