package dev.sluice.testsupport;

import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one broker a test JVM shares: started on first use, stopped when the JVM exits. Tests give
 * their topics unique names instead of each starting a broker (startup costs ~2 s on 2 cores).
 *
 * <p>System property {@code sluice.test.kafka}: {@code embedded} (the in-process KRaft broker),
 * {@code testcontainers} (Testcontainers' {@code apache/kafka}), or {@code auto} (the default:
 * Testcontainers where a Docker engine answers, else embedded).
 */
public final class SharedKafka {

    private static EmbeddedKafkaBroker broker;
    private static String bootstrap;

    private SharedKafka() {
    }

    /** The shared broker's bootstrap address, starting it on first call. */
    public static synchronized String bootstrapServers() {
        if (bootstrap != null) {
            return bootstrap;
        }
        String mode = System.getProperty("sluice.test.kafka", "auto");
        if (mode.equals("testcontainers") || (mode.equals("auto") && ContainerKafka.dockerAvailable())) {
            bootstrap = ContainerKafka.start();
            return bootstrap;
        }
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("sluice-test-kafka-");
                broker = EmbeddedKafkaBroker.start(dir, 0);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    broker.close();
                    TempDirs.deleteRecursively(dir);
                }, "shared-kafka-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        bootstrap = broker.bootstrapServers();
        return bootstrap;
    }
}
