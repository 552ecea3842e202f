package dev.sluice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

    @Test
    void keepsAcknowledgedRecordsAcrossARestartOnTheSameDataDirectory() throws Exception {
        Path dir = Files.createTempDirectory("sluice-broker-test-");
        try {
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
                produce(broker.bootstrapServers(), "restart-topic", "before-restart");
            }
            try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.start(dir, 0)) {
                var records = TopicProbe.read(again.bootstrapServers(), "restart-topic", 1, Duration.ofSeconds(30));
                assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .containsExactly("before-restart");
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void sharedBrokerIsStartedOnceAndServesTransactions() throws Exception {
        String first = SharedKafka.bootstrapServers();
        assertThat(SharedKafka.bootstrapServers()).isEqualTo(first);
        Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test");
        try (var producer = new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-topic", "k", "committed".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-topic", "k", "aborted".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            producer.abortTransaction();
        }
        var records = TopicProbe.read(first, "tx-topic", 1, Duration.ofSeconds(30), Duration.ofMillis(500));
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("committed");
    }

    private static void produce(String bootstrap, String topic, String value) throws Exception {
        Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(cfg, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }
}
