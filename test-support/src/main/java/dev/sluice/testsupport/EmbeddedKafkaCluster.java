package dev.sluice.testsupport;

import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import dev.sluice.embeddedkafka.KraftNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-node KRaft cluster for tests and benchmarks: every node a combined broker and
 * controller (so the controller quorum is the nodes themselves) in its own JVM from the Apache Kafka
 * jars on this classpath. A test kills (SIGKILL), stops (SIGTERM, controlled shutdown) and restarts
 * nodes one by one; a restarted node keeps its ports and its data.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
    /** For test forks: small heap, quick JIT. Benchmarks pass their own options. */
    public static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1");

    private final Path dir;
    private final boolean ownsDir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final List<String> jvmOptions;
    private final SortedMap<Integer, Integer> brokerPorts = new TreeMap<>();
    private final SortedMap<Integer, Integer> controllerPorts = new TreeMap<>();
    private final Map<Integer, ChildJvm> running = new HashMap<>();
    /** Where each node's log stood when it was last launched: its "started" line must come after. */
    private final Map<Integer, Long> logOffsets = new HashMap<>();
    private final Thread exitHook = new Thread(this::killAll, "kafka-cluster-kill");
    private boolean closed;

    private EmbeddedKafkaCluster(Path dir, boolean ownsDir, int nodes, List<String> jvmOptions) throws IOException {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        for (int id = 1; id <= nodes; id++) {
            brokerPorts.put(id, EmbeddedKafkaBroker.freePort());
            controllerPorts.put(id, EmbeddedKafkaBroker.freePort());
        }
    }

    /** Starts {@code nodes} nodes with {@link #TEST_JVM_OPTIONS} in a temporary directory deleted on close. */
    public static EmbeddedKafkaCluster start(int nodes) {
        return start(nodes, TEST_JVM_OPTIONS);
    }

    /** Starts {@code nodes} nodes, each a JVM with {@code jvmOptions}, and returns once all are brokers in the cluster. */
    public static EmbeddedKafkaCluster start(int nodes, List<String> jvmOptions) {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node: " + nodes);
        }
        EmbeddedKafkaCluster cluster = null;
        try {
            cluster = new EmbeddedKafkaCluster(Files.createTempDirectory("sluice-kafka-cluster-"), true, nodes,
                    jvmOptions);
            Runtime.getRuntime().addShutdownHook(cluster.exitHook);
            long t0 = System.nanoTime();
            for (int id : cluster.brokerPorts.keySet()) {
                cluster.launch(id);
            }
            cluster.awaitBrokers(cluster.brokerPorts.keySet(), Duration.ofSeconds(120));
            LOG.info("event=kafka_cluster_started nodes={} bootstrap={} startupMs={}", nodes,
                    cluster.bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return cluster;
        } catch (IOException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
    }

    /** Every node's broker address, as a client's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return brokerPorts.values().stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
    }

    public Set<Integer> nodeIds() {
        return brokerPorts.keySet();
    }

    public synchronized boolean isRunning(int nodeId) {
        ChildJvm jvm = running.get(nodeId);
        return jvm != null && jvm.isAlive();
    }

    /** SIGKILL: the node vanishes mid-write, no controlled shutdown, no flush. */
    public synchronized void kill(int nodeId) {
        ChildJvm jvm = running.remove(nodeId);
        if (jvm != null) {
            jvm.kill();
            LOG.info("event=kafka_node_killed nodeId={}", nodeId);
        }
    }

    /** SIGTERM: a controlled shutdown that moves the node's leaderships away first; returns once it exited. */
    public synchronized void stop(int nodeId) {
        ChildJvm jvm = running.remove(nodeId);
        if (jvm != null) {
            jvm.stop(Duration.ofSeconds(60));
            LOG.info("event=kafka_node_stopped nodeId={}", nodeId);
        }
    }

    /** Starts a stopped or killed node again on its ports and data; returns once it is a broker of the cluster again. */
    public void restart(int nodeId) {
        synchronized (this) {
            if (isRunning(nodeId)) {
                throw new IllegalStateException("node " + nodeId + " is running");
            }
            launch(nodeId);
        }
        awaitBrokers(Set.of(nodeId), Duration.ofSeconds(120));
        LOG.info("event=kafka_node_restarted nodeId={}", nodeId);
    }

    /** The leader of every partition of {@code topics} (-1 where a partition has none). */
    public Map<TopicPartition, Integer> leaders(Collection<String> topics) {
        return describe(topics).values().stream().flatMap(d -> d.partitions().stream().map(p -> Map.entry(
                        new TopicPartition(d.name(), p.partition()), p.leader() == null ? -1 : p.leader().id())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Waits until every partition of {@code topics} has all its replicas in sync: what an operator
     * waits for before taking the next broker down.
     */
    public void awaitInSync(Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lagging = describe(topics).values().stream().flatMap(d -> d.partitions().stream()
                            .filter(p -> p.isr().size() < p.replicas().size())
                            .map(p -> d.name() + "-" + p.partition() + " isr=" + ids(p.isr())))
                    .toList();
            if (lagging.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replicas not in sync after " + timeout + ": " + lagging);
            }
            Pause.millis(200);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // the data goes away with the cluster: a controlled shutdown of the last nodes (which would wait
        // for a quorum that is leaving too) buys nothing
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException e) {
            // the JVM is already exiting
        }
        if (ownsDir) {
            TempDirs.deleteRecursively(dir);
        }
        LOG.info("event=kafka_cluster_stopped");
    }

    private void launch(int nodeId) {
        logOffsets.put(nodeId, log(nodeId).toFile().length());
        String voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
        running.put(nodeId, ChildJvm.start(ClusterNodeMain.class, jvmOptions, Map.of(),
                dir.resolve("node-" + nodeId + ".log"), Integer.toString(nodeId),
                dir.resolve("node-" + nodeId).toString(), Integer.toString(brokerPorts.get(nodeId)), clusterId,
                voters));
    }

    private void awaitBrokers(Set<Integer> nodeIds, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // ask the cluster only once the processes say they started: an admin client polling closed
        // ports logs a warning per attempt
        for (int id : nodeIds) {
            while (!startedLineLogged(id) && System.nanoTime() < deadline) {
                if (!isRunning(id)) {
                    throw new IllegalStateException("Kafka node " + id + " exited; see " + log(id));
                }
                Pause.millis(100);
            }
        }
        try (Admin admin = admin()) {
            while (true) {
                for (int id : nodeIds) {
                    if (!isRunning(id)) {
                        throw new IllegalStateException("Kafka node " + id + " exited; see " + log(id));
                    }
                }
                try {
                    Set<Integer> live = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                            .map(Node::id).collect(Collectors.toSet());
                    if (live.containsAll(nodeIds)) {
                        return;
                    }
                } catch (Exception e) {
                    // not answering yet
                }
                if (System.nanoTime() > deadline) {
                    // the directory goes away with the cluster: the nodes' last words go into the message
                    throw new IllegalStateException("Kafka nodes " + nodeIds + " did not join in " + timeout
                            + nodeIds.stream().map(this::logTail).collect(Collectors.joining()));
                }
                Pause.millis(200);
            }
        }
    }

    private String logTail(int nodeId) {
        try {
            List<String> lines = Files.readAllLines(log(nodeId), StandardCharsets.UTF_8);
            return "\n--- node " + nodeId + " (last lines of its log):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "\n--- node " + nodeId + ": no log (" + e + ")";
        }
    }

    private boolean startedLineLogged(int nodeId) {
        try {
            byte[] all = Files.readAllBytes(log(nodeId));
            int from = (int) Math.min(all.length, logOffsets.getOrDefault(nodeId, 0L));
            return new String(all, from, all.length - from, StandardCharsets.UTF_8)
                    .contains(ClusterNodeMain.STARTED);
        } catch (IOException e) {
            return false;
        }
    }

    private Map<String, TopicDescription> describe(Collection<String> topics) {
        try (Admin admin = admin()) {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topics, e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private Path log(int nodeId) {
        return dir.resolve("node-" + nodeId + ".log");
    }

    private synchronized void killAll() {
        running.values().forEach(ChildJvm::kill);
        running.clear();
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }
}
