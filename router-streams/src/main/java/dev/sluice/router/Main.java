package dev.sluice.router;

import dev.sluice.runtime.EnvReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Runs router-streams against the Kafka cluster named in the environment; {@code reprocess <instant>}
 * instead rewinds the stopped router to re-route {@code ingest.raw} from that time, then exits.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        RouterConfig config;
        try {
            config = RouterConfig.fromEnv(System.getenv());
        } catch (EnvReader.ConfigException e) {
            System.err.println("sluice router-streams: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (args.length > 0 && args[0].equals("reprocess")) {
            if (args.length != 2) {
                System.err.println("usage: reprocess <ISO-8601 instant, e.g. 2026-11-01T00:00:00Z>");
                System.exit(2);
            }
            try {
                System.out.println("rewound: " + Reprocessor.rewind(config, Instant.parse(args[1])));
            } catch (DateTimeParseException e) {
                System.err.println("not an ISO-8601 instant: " + args[1]);
                System.exit(2);
            }
            return;
        }
        RouterApp app;
        try {
            app = RouterApp.start(config);
        } catch (IllegalStateException e) {
            System.err.println("sluice router-streams: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "router-stop"));
    }
}
