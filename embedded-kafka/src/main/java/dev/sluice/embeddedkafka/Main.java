package dev.sluice.embeddedkafka;

import java.nio.file.Path;

/** Runs just the embedded broker ({@code SLUICE_KAFKA_PORT}, {@code SLUICE_DATA_DIR}) until stopped; for scripts. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("SLUICE_KAFKA_PORT", "9092"));
        Path data = Path.of(System.getenv().getOrDefault("SLUICE_DATA_DIR", "./data"));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, port);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-stop"));
        System.out.println("Kafka listening on " + broker.bootstrapServers());
    }
}
