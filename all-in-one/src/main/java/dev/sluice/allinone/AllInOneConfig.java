package dev.sluice.allinone;

import dev.sluice.runtime.EnvReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the laptop process adds to the services' own settings.
 *
 * @param externalBootstrap a cluster to use instead of the embedded broker, or null
 * @param ingestAdminPort ingest-api's admin port here, where one environment serves every service
 * @param routerAdminPort the router's admin port
 */
public record AllInOneConfig(Path dataDir, int kafkaPort, String externalBootstrap, int ingestAdminPort,
                             int routerAdminPort) {

    /** The writeKey a fresh checkout accepts when none is configured, so the README's curl works. */
    public static final String DEV_WRITE_KEYS = "dev-write-key=dev";

    public static AllInOneConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        return new AllInOneConfig(Path.of(r.string("SLUICE_DATA_DIR", "./data")),
                r.integer("SLUICE_KAFKA_PORT", 9092, 0, 65535),
                r.raw("KAFKA_BOOTSTRAP_SERVERS"),
                r.integer("SLUICE_INGEST_ADMIN_PORT", 9100, 0, 65535),
                r.integer("SLUICE_ROUTER_ADMIN_PORT", 9101, 0, 65535));
    }

    /**
     * The environment one sink sees: the services' one, overlaid with every variable given for this sink
     * alone, {@code <SINK>__<VARIABLE>} (e.g. {@code SINK_FIREHOSE__SLUICE_SINK_GROUP_ID}); its admin port
     * is {@code <SINK>__SLUICE_ADMIN_PORT}, else the sink's own default.
     */
    Map<String, String> sinkEnv(Map<String, String> shared, String sinkName, String bootstrap, boolean embedded,
                                int defaultAdminPort) {
        Map<String, String> env = serviceEnv(shared, bootstrap, embedded, defaultAdminPort);
        String prefix = sinkPrefix(sinkName);
        shared.forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                env.put(name.substring(prefix.length()), value);
            }
        });
        return env;
    }

    /** {@code sink-firehose} → {@code SINK_FIREHOSE__}. */
    static String sinkPrefix(String sinkName) {
        return sinkName.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "__";
    }

    /** The environment one service sees: the shared one plus what all-in-one decides for it. */
    Map<String, String> serviceEnv(Map<String, String> shared, String bootstrap, boolean embedded, int adminPort) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("SLUICE_ADMIN_PORT", Integer.toString(adminPort));
        if (embedded) {
            // one broker: topics cannot have more replicas than that
            env.put("SLUICE_TOPIC_REPLICATION", "1");
        }
        env.putIfAbsent("SLUICE_ROUTER_STATE_DIR", dataDir.resolve("router-state").toString());
        if (env.get("SLUICE_WRITE_KEYS") == null && env.get("SLUICE_WRITE_KEYS_FILE") == null) {
            env.put("SLUICE_WRITE_KEYS", DEV_WRITE_KEYS);
        }
        return env;
    }
}
