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
 * @param commitInterval how often the router commits (exactly once) while it is caught up: how long a
 *                       {@code read_committed} reader may wait for a routed event
 * @param backlogCommitInterval how often it commits while it works through a backlog (Streams'
 *                              {@code commit.interval.ms}): each commit stalls the stream thread
 * @param caughtUpLag a raw record at most this old (its timestamp against the router's clock) means
 *                    the router is caught up
 * @param adminBind address of the admin server: loopback unless configured
 * @param maxEventBytes an event larger than this with the envelope merged in (Sluice's own fields
 *                      aside) is rejected, not routed; ingest-api refuses such events already, so this
 *                      guards records other producers wrote
 */
public record RouterConfig(KafkaSettings kafka, int adminPort, Duration dedupWindow,
                           String applicationId, Path stateDir, int threads, Duration commitInterval,
                           Duration backlogCommitInterval, Duration caughtUpLag,
                           Duration sessionTimeout, int maxEventBytes, String adminBind) {

    public RouterConfig {
        if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
            throw new ConfigException("SLUICE_ROUTER_APPLICATION_ID=" + applicationId
                    + ": only letters, digits, '.', '_' and '-'");
        }
        if (commitInterval.isZero()) {
            throw new ConfigException("SLUICE_ROUTER_COMMIT_INTERVAL must be positive");
        }
        if (backlogCommitInterval.compareTo(commitInterval) < 0 || backlogCommitInterval.compareTo(MAX_BACKLOG_COMMIT_INTERVAL) > 0) {
            throw new ConfigException("SLUICE_ROUTER_BACKLOG_COMMIT_INTERVAL=" + backlogCommitInterval
                    + ": must be at least SLUICE_ROUTER_COMMIT_INTERVAL (" + commitInterval + ") and at most "
                    + MAX_BACKLOG_COMMIT_INTERVAL + " (a transaction must commit well within Streams' 10 s transaction timeout)");
        }
    }

    static final Duration MAX_BACKLOG_COMMIT_INTERVAL = Duration.ofSeconds(5);

    public static RouterConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        Duration commitInterval = r.duration("SLUICE_ROUTER_COMMIT_INTERVAL", Duration.ofMillis(100));
        return new RouterConfig(
                KafkaSettings.fromEnv(r),
                r.integer("SLUICE_ADMIN_PORT", 9101, 0, 65535),
                r.duration("SLUICE_DEDUP_WINDOW", Duration.ofHours(24)),
                r.string("SLUICE_ROUTER_APPLICATION_ID", "sluice-router"),
                Path.of(r.string("SLUICE_ROUTER_STATE_DIR",
                        Path.of(System.getProperty("java.io.tmpdir"), "sluice-router-state").toString())),
                r.integer("SLUICE_ROUTER_THREADS", 1, 1, 64),
                commitInterval,
                r.duration("SLUICE_ROUTER_BACKLOG_COMMIT_INTERVAL", max(Duration.ofSeconds(1), commitInterval)),
                r.duration("SLUICE_ROUTER_CAUGHT_UP_LAG", Duration.ofSeconds(1)),
                r.duration("SLUICE_ROUTER_SESSION_TIMEOUT", Duration.ofSeconds(45)),
                r.integer("SLUICE_MAX_EVENT_BYTES", 32 * 1024, 1, 1_000_000),
                r.string("SLUICE_ADMIN_BIND", AdminServer.DEFAULT_BIND));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public boolean dedupEnabled() {
        return !dedupWindow.isZero();
    }
}
