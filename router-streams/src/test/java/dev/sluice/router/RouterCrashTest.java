package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import dev.sluice.testsupport.ChildJvm;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import dev.sluice.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The router as its own JVM, SIGKILLed while routing and restarted: with exactly_once_v2 every event
 * is in its typed topic exactly once for read_committed readers. Dedup is off here so that only
 * the transactions, not the dedup store, can keep duplicates out.
 */
class RouterCrashTest {

    @Test
    void killedMidStreamAndRestartedEveryEventExactlyOnce() throws Exception {
        Topics topics = RouterIntegrationTest.newTopics();
        Path state = Files.createTempDirectory("router-crash-");
        Path log = Files.createDirectories(Path.of("target")).resolve("router-crash-child.log");
        Map<String, String> env = RouterIntegrationTest.env(topics, state, "PT0S");
        RouterApp.ensureTopics(RouterConfig.fromEnv(env));

        Map<String, String> typeById = new HashMap<>();
        List<String> bodies = RouterIntegrationTest.batches(300, 100, typeById);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            int n = 0;
            for (String body : bodies) {
                String project = (n++ % 2 == 0) ? "project-a" : "project-b";
                String envelope = "{\"projectId\":\"" + project + "\",\"receivedAt\":\"2026-01-01T00:00:02Z\","
                        + body.substring(1);
                producer.send(new ProducerRecord<>(topics.ingestRaw(), project,
                        envelope.getBytes(StandardCharsets.UTF_8)));
            }
        }

        ChildJvm first = ChildJvm.start(Main.class, env, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (written(topics) < 2_000 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long atKill = written(topics);
        first.kill();
        assertThat(atKill).as("the router made progress before the kill").isPositive();
        assertThat(atKill).as("the kill came before the end").isLessThan(typeById.size());

        try (ChildJvm second = ChildJvm.start(Main.class, env, log)) {
            Map<String, List<String>> where = RouterIntegrationTest.routed(topics, typeById.size());
            assertThat(where).hasSize(typeById.size());
            where.forEach((id, found) -> assertThat(found).as(id).containsExactly(typeById.get(id)));
        } finally {
            TempDirs.deleteRecursively(state);
        }
    }

    /** Records in the typed topics, committed or not (progress only). */
    private static long written(Topics topics) {
        long n = 0;
        for (EventType t : EventType.values()) {
            n += TopicProbe.count(SharedKafka.bootstrapServers(), topics.events(t));
        }
        return n;
    }
}
