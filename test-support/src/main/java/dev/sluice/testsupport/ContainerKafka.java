package dev.sluice.testsupport;

import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Testcontainers' Kafka ({@code apache/kafka}); kept apart so classes without Testcontainers never load it. */
final class ContainerKafka {

    /**
     * The broker image of the Kafka version the tests run their clients on: the kafka-clients jar on the
     * class path is the pom's {@code kafka.version}, so the pom stays the one place that names it.
     */
    static final String IMAGE = "apache/kafka:" + AppInfoParser.getVersion();

    private ContainerKafka() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Starts a container and returns its bootstrap address; it is removed when the JVM exits. */
    static String start() {
        KafkaContainer kafka = new KafkaContainer(IMAGE);
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "kafka-container-stop"));
        return kafka.getBootstrapServers();
    }
}
