package dev.sluice.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Answers {@code /readyz}: can Kafka be reached now? Results are reused for a second to spare the broker. */
public final class KafkaReadiness implements AutoCloseable {

    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Admin admin;
    private final Duration timeout;
    private volatile long checkedAt;
    private volatile boolean ready;

    public KafkaReadiness(String bootstrapServers, Duration timeout) {
        this.timeout = timeout;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()));
    }

    public synchronized boolean isReady() {
        long now = System.nanoTime();
        if (checkedAt != 0 && now - checkedAt < CACHE_NANOS) {
            return ready;
        }
        try {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ready = true;
        } catch (Exception e) {
            ready = false;
        }
        checkedAt = System.nanoTime();
        return ready;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
