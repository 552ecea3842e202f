package dev.sluice.embeddedkafka;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One combined KRaft node (broker and controller) of a cluster of {@code controllerPorts.size()}
 * nodes: its {@code server.properties} and the formatting of its log directory.
 *
 * @param controllerPorts node id → controller port of every voter, this node included
 */
public record KraftNode(int nodeId, Path dataDir, int brokerPort, SortedMap<Integer, Integer> controllerPorts) {

    static final String CONTROLLER = "CONTROLLER";

    public KraftNode {
        if (!controllerPorts.containsKey(nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " is not among the voters " + controllerPorts);
        }
    }

    int size() {
        return controllerPorts.size();
    }

    /** Replication of internal topics and the default for new topics: 3 from three nodes on (Sluice's production rule). */
    int replication() {
        return Math.min(3, size());
    }

    /** With three replicas one may be down and writes with {@code acks=all} still succeed. */
    int minInsyncReplicas() {
        return size() >= 3 ? 2 : 1;
    }

    /** The broker-and-controller settings of this node. */
    public Properties serverProperties() {
        int controllerPort = controllerPorts.get(nodeId);
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", controllerPorts.entrySet().stream()
                .map(e -> e.getKey() + "@localhost:" + e.getValue()).collect(Collectors.joining(",")));
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + "," + CONTROLLER + "://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", CONTROLLER);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        String rf = Integer.toString(replication());
        String minIsr = Integer.toString(minInsyncReplicas());
        // every internal topic must fit on the nodes there are, or groups, transactions and Streams hang
        p.put("offsets.topic.replication.factor", rf);
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("default.replication.factor", rf);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.num.partitions", size() == 1 ? "1" : "3");
        p.put("transaction.state.log.num.partitions", size() == 1 ? "1" : "3");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        if (size() > 1) {
            // a killed broker is fenced (and its partitions get new leaders) after this long without a
            // heartbeat; Kafka's 9 s default would make every failover test wait 9 s per kill
            p.put("broker.session.timeout.ms", "4000");
            p.put("broker.heartbeat.interval.ms", "1000");
        }
        p.put("unstable.api.versions.enable", "false");
        p.put("unstable.feature.versions.enable", "false");
        return p;
    }

    /** Formats the log directory unless an earlier run did (then its cluster id and data are kept). */
    public void formatIfNew(String clusterId) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        String dir = dataDir.toAbsolutePath().toString();
        try {
            Files.createDirectories(dataDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dir))
                    .setMetadataLogDirectory(dir)
                    .setControllerListenerName(CONTROLLER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka data directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
