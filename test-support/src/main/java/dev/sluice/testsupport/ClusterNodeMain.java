package dev.sluice.testsupport;

import dev.sluice.embeddedkafka.KraftNode;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One node of an {@link EmbeddedKafkaCluster} in its own JVM, so a test can SIGKILL it.
 * Arguments: node id, data directory, broker port, cluster id, voters as {@code id:port,id:port,...}.
 */
public final class ClusterNodeMain {

    /** Printed once the node's broker and controller are started; the parent waits for it. */
    static final String STARTED = "event=kafka_node_started";

    private ClusterNodeMain() {
    }

    public static void main(String[] args) {
        SortedMap<Integer, Integer> voters = new TreeMap<>();
        for (String voter : args[4].split(",")) {
            String[] idPort = voter.split(":");
            voters.put(Integer.parseInt(idPort[0]), Integer.parseInt(idPort[1]));
        }
        KraftNode node = new KraftNode(Integer.parseInt(args[0]), Path.of(args[1]), Integer.parseInt(args[2]), voters);
        node.formatIfNew(args[3]);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(node.serverProperties(), false), Time.SYSTEM);
        // SIGTERM: a controlled shutdown that hands leaderships over before the process exits
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "kafka-node-stop"));
        server.startup();
        System.out.println(STARTED + " nodeId=" + node.nodeId() + " port=" + node.brokerPort());
        server.awaitShutdown();
    }
}
