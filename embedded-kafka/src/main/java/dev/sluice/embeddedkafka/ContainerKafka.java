package dev.sluice.embeddedkafka;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Testcontainers' Kafka ({@code apache/kafka}); kept apart so classes without Testcontainers never load it. */
final class ContainerKafka {

    static final String IMAGE = "apache/kafka:4.1.0";

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
