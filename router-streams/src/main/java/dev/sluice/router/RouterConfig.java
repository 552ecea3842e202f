package dev.sluice.router;

import dev.sluice.runtime.AdminServer;
import dev.sluice.runtime.EnvReader.ConfigException;
import dev.sluice.runtime.EnvReader;
import dev.sluice.runtime.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything router-streams reads from its environment, validated at start.
 *
 * @param sessionTimeout how long the group waits for a router that vanished (crash, kill -9) before
 *                       giving its partitions to another
 * @param dedupWindow how long a (projectId, messageId) is remembered; zero turns deduplication off
 * @param adminBind address of the admin server: loopback unless configured
 * @param maxEventBytes an event larger than this with the envelope merged in (Sluice's own fields
 *                      aside) is rejected, not routed; ingest-api refuses such events already, so this
 *                      guards records other producers wrote
 */
public record RouterConfig(KafkaSettings kafka, int adminPort, Duration dedupWindow,
                           String applicationId, Path stateDir, int threads, Duration commitInterval,
                           Duration sessionTimeout, int maxEventBytes, String adminBind) {

    public RouterConfig {
        if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
            throw new ConfigException("SLUICE_ROUTER_APPLICATION_ID=" + applicationId
                    + ": only letters, digits, '.', '_' and '-'");
        }
        if (commitInterval.isZero()) {
            throw new ConfigException("SLUICE_ROUTER_COMMIT_INTERVAL must be positive");
        }
    }

    public static RouterConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        return new RouterConfig(
                KafkaSettings.fromEnv(r),
                r.integer("SLUICE_ADMIN_PORT", 9101, 0, 65535),
                r.duration("SLUICE_DEDUP_WINDOW", Duration.ofHours(24)),
                r.string("SLUICE_ROUTER_APPLICATION_ID", "sluice-router"),
                Path.of(r.string("SLUICE_ROUTER_STATE_DIR",
                        Path.of(System.getProperty("java.io.tmpdir"), "sluice-router-state").toString())),
                r.integer("SLUICE_ROUTER_THREADS", 1, 1, 64),
                r.duration("SLUICE_ROUTER_COMMIT_INTERVAL", Duration.ofMillis(100)),
                r.duration("SLUICE_ROUTER_SESSION_TIMEOUT", Duration.ofSeconds(45)),
                r.integer("SLUICE_MAX_EVENT_BYTES", 32 * 1024, 1, 1_000_000),
                r.string("SLUICE_ADMIN_BIND", AdminServer.DEFAULT_BIND));
    }

    public boolean dedupEnabled() {
        return !dedupWindow.isZero();
    }
}
