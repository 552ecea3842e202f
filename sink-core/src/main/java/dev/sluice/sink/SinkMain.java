package dev.sluice.sink;

import dev.sluice.model.EnvReader;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * What every sink's {@code main} does: read config, build the sink, run the live group, or with
 * {@code replay <topic> [from] [to] [group]} deliver that range under its own group and exit.
 */
public final class SinkMain {

    private SinkMain() {
    }

    public static void run(String[] args, Map<String, String> env, String sinkName, int defaultAdminPort,
                           Function<Map<String, String>, Sink> sinkFactory) throws InterruptedException {
        SinkConfig config;
        Sink sink;
        ReplayRange replay;
        try {
            config = SinkConfig.fromEnv(env, sinkName, defaultAdminPort);
            replay = args.length > 0 ? ReplayRange.parse(args, sinkName) : null;
            sink = sinkFactory.apply(env);
        } catch (EnvReader.ConfigException e) {
            System.err.println("sluice " + sinkName + ": configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        SinkService service = SinkService.start(config, sink, replay);
        if (replay == null) {
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, sinkName + "-stop"));
            return;
        }
        boolean complete = service.awaitReplay(Duration.ofDays(365));
        service.close();
        System.exit(complete ? 0 : 1);
    }
}
