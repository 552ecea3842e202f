package dev.sluice.sink;

import dev.sluice.runtime.EnvReader.ConfigException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every sink's {@code main}: finds the sink plugin on the classpath, reads its config, runs its live groups,
 * or with {@code replay <topic> [from] [to] [group]} delivers that range under its own group and exits.
 */
public final class SinkMain {

    private SinkMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        SinkPlugin plugin;
        try {
            plugin = SinkPlugins.select(SinkPlugins.discover(), env);
        } catch (ConfigException e) {
            System.err.println("sluice sink: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(args, env, plugin);
    }

    public static void run(String[] args, Map<String, String> env, SinkPlugin plugin) throws InterruptedException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<SinkUnit> units;
        ReplayRange replay = null;
        try {
            SinkConfig config = SinkConfig.fromEnv(env, plugin.name(), plugin.defaultAdminPort());
            units = plugin.units(config, env, registry);
            if (args.length > 0) {
                SinkUnit unit = replayUnit(units, args, env);
                replay = ReplayRange.parse(args, unit.config());
                units = List.of(unit);
            }
        } catch (ConfigException e) {
            System.err.println("sluice " + plugin.name() + ": configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        SinkService service = SinkService.start(units, replay, registry);
        if (replay == null) {
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, plugin.name() + "-stop"));
            return;
        }
        boolean complete = service.awaitReplay(Duration.ofDays(365));
        service.close();
        System.exit(complete ? 0 : 1);
    }

    /**
     * The unit a replay acts for: the only one, the one whose retry topic or DLQ is replayed, or the one
     * {@code SLUICE_SINK_UNIT} names.
     */
    static SinkUnit replayUnit(List<SinkUnit> units, String[] args, Map<String, String> env) {
        String named = env.get("SLUICE_SINK_UNIT");
        if (named != null && !named.isBlank()) {
            return units.stream().filter(u -> u.name().equals(named.trim())).findFirst()
                    .orElseThrow(() -> new ConfigException("SLUICE_SINK_UNIT=" + named + ": not one of "
                            + units.stream().map(SinkUnit::name).toList()));
        }
        if (units.size() == 1) {
            return units.get(0);
        }
        String topic = args.length > 1 ? args[1] : "";
        return units.stream()
                .filter(u -> topic.equals(u.config().retryTopic()) || topic.equals(u.config().dlqTopic()))
                .findFirst()
                .orElseThrow(() -> new ConfigException("replay " + topic + ": this sink has several consumers ("
                        + units.stream().map(SinkUnit::name).toList() + "); set SLUICE_SINK_UNIT to the one to act for"));
    }
}
