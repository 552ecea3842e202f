package dev.sluice.ingest;

import dev.sluice.runtime.EnvReader;

/** Runs ingest-api alone against the Kafka cluster named in the environment. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        IngestConfig config;
        try {
            config = IngestConfig.fromEnv(System.getenv());
        } catch (EnvReader.ConfigException e) {
            System.err.println("sluice ingest-api: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        IngestApi api = IngestApi.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(api::close, "ingest-api-stop"));
    }
}
