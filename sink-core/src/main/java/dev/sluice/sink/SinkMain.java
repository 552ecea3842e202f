package dev.sluice.sink;

import dev.sluice.model.EnvReader;
import java.time.Duration;
import java.util.Map;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BiFunction;

/**
 * What every sink's {@code main} does: read config, build the sink, run the live group, or with
 * {@code replay <topic> [from] [to] [group]} deliver that range under its own group and exit.
 */
public final class SinkMain {

    private SinkMain() {
    }

    public static void run(String[] args, Map<String, String> env, String sinkName, int defaultAdminPort,
                           BiFunction<Map<String, String>, MeterRegistry, Sink> sinkFactory)
            throws InterruptedException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SinkConfig config;
        Sink sink;
        ReplayRange replay;
        try {
            config = SinkConfig.fromEnv(env, sinkName, defaultAdminPort);
            replay = args.length > 0 ? ReplayRange.parse(args, config) : null;
            sink = sinkFactory.apply(env, registry);
        } catch (EnvReader.ConfigException e) {
            System.err.println("sluice " + sinkName + ": configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        SinkService service = SinkService.start(config, sink, replay, registry);
        if (replay == null) {
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, sinkName + "-stop"));
            return;
        }
        boolean complete = service.awaitReplay(Duration.ofDays(365));
        service.close();
        System.exit(complete ? 0 : 1);
    }
}
