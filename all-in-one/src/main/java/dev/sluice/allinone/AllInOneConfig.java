package dev.sluice.allinone;

import dev.sluice.model.EnvReader;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the laptop process adds to the services' own settings.
 *
 * @param externalBootstrap a cluster to use instead of the embedded broker, or null
 */
public record AllInOneConfig(Path dataDir, int kafkaPort, String externalBootstrap) {

    /** The writeKey a fresh checkout accepts when none is configured, so the README's curl works. */
    public static final String DEV_WRITE_KEYS = "dev-write-key=dev";

    public static AllInOneConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        return new AllInOneConfig(Path.of(r.string("SLUICE_DATA_DIR", "./data")),
                r.integer("SLUICE_KAFKA_PORT", 9092, 0, 65535),
                r.raw("KAFKA_BOOTSTRAP_SERVERS"));
    }
}
