package dev.sluice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaClusterTest {

    private static final String TOPIC = "cluster-topic";

    @Test
    void acknowledgedRecordsSurviveAKilledLeaderItsRestartAndACleanStopOfAnotherNode() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
             KafkaProducer<String, byte[]> producer = producer(cluster.bootstrapServers())) {
            // broker defaults: what a topic gets when its creator leaves replication to the cluster
            admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(1), Optional.empty()))).all()
                    .get(30, TimeUnit.SECONDS);
            var description = describe(admin).partitions().get(0);
            assertThat(description.replicas()).hasSize(3);
            String minIsr = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC)))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next().get("min.insync.replicas").value();
            assertThat(minIsr).isEqualTo("2");

            List<String> sent = new ArrayList<>();
            send(producer, sent, "before");
            int leader = cluster.leaders(List.of(TOPIC)).get(new TopicPartition(TOPIC, 0));

            cluster.kill(leader);
            assertThat(cluster.isRunning(leader)).isFalse();
            send(producer, sent, "leader-killed");
            assertThat(cluster.leaders(List.of(TOPIC)).get(new TopicPartition(TOPIC, 0))).isNotEqualTo(leader);

            cluster.restart(leader);
            cluster.awaitInSync(List.of(TOPIC), Duration.ofSeconds(60));
            int other = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
            cluster.stop(other);
            send(producer, sent, "other-stopped");

            var records = TopicProbe.read(cluster.bootstrapServers(), TOPIC, sent.size(), Duration.ofSeconds(60));
            assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(sent);
        }
    }

    /** Every send must be acknowledged by min.insync.replicas replicas before it counts as sent. */
    private static void send(KafkaProducer<String, byte[]> producer, List<String> sent, String phase)
            throws Exception {
        for (int i = 0; i < 20; i++) {
            String value = phase + "-" + i;
            producer.send(new ProducerRecord<>(TOPIC, value.getBytes(StandardCharsets.UTF_8))).get(60, TimeUnit.SECONDS);
            sent.add(value);
        }
    }

    /** The new topic as the cluster describes it: the node that answers may learn of it a moment after creation. */
    private static TopicDescription describe(Admin admin) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > until) {
                    throw e;
                }
                Pause.millis(200);
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new StringSerializer(), new ByteArraySerializer());
    }
}
