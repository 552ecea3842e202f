package dev.sluice.embeddedkafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (combined KRaft broker and controller) running in this JVM,
 * started from the Apache Kafka server jars. Data lives in a directory that survives restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
    }

    /**
     * Formats {@code dataDir} if it is new, starts the broker on {@code port} (0 picks a free one)
     * and returns once it answers clients.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            int brokerPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            KraftNode node = new KraftNode(1, dataDir, brokerPort, new TreeMap<>(Map.of(1, controllerPort)));
            KafkaConfig config = new KafkaConfig(node.serverProperties(), false);
            node.formatIfNew(Uuid.randomUuid().toString());
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            long t0 = System.nanoTime();
            server.startup();
            String bootstrap = "localhost:" + brokerPort;
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, bootstrap, dataDir);
            try {
                broker.awaitReady(Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            LOG.info("event=embedded_kafka_started bootstrap={} dataDir={} startupMs={}", bootstrap, dataDir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka data directory " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        LOG.info("event=embedded_kafka_stopped bootstrap={}", bootstrapServers);
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("embedded Kafka did not become ready in " + timeout, e);
                    }
                }
            }
        }
    }

    /** A port free right now, for a node's listener (another process may still take it before the bind). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
