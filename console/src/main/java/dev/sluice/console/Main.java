package dev.sluice.console;

import dev.sluice.runtime.EnvReader;

/** Runs the console against the Kafka cluster named in the environment. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ConsoleConfig config;
        try {
            config = ConsoleConfig.fromEnv(System.getenv());
        } catch (EnvReader.ConfigException e) {
            System.err.println("sluice console: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Console console = Console.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(console::close, "console-stop"));
        System.out.println("Sluice console: http://" + (config.loopbackOnly() ? "localhost" : config.bind()) + ":"
                + console.port() + "/" + (config.token() == null ? "" : "  (log in with SLUICE_CONSOLE_TOKEN)"));
    }
}
