package dev.sluice.sink;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import dev.sluice.runtime.TopicCreator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes router-shaped events into the typed topics, as sink tests and benchmarks need them. */
public final class TypedEventWriter {

    /** The JSON of event {@code i}, given its type, messageId and project. */
    @FunctionalInterface
    public interface EventJson {
        String json(int i, EventType type, String messageId, String project);
    }

    private TypedEventWriter() {
    }

    /**
     * Writes {@code n} events, types and the given projects in rotation, keyed by project with the
     * router's headers, and waits for Kafka's acks; returns messageId → project.
     */
    public static Map<String, String> write(String bootstrap, Topics topics, int n, EventJson json,
                                            String... projects) {
        new TopicCreator(bootstrap, 2, 1).ensure(topics.allEventTopics(), Duration.ofSeconds(10));
        Map<String, String> projectById = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String project = projects[i % projects.length];
                EventType type = EventType.values()[i % 6];
                String id = topics.prefix() + "m-" + i;
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.events(type), project,
                        json.json(i, type, id, project).getBytes(StandardCharsets.UTF_8));
                EventHeaders.put(r.headers(), EventHeaders.TYPE, type.wireName());
                EventHeaders.put(r.headers(), EventHeaders.MESSAGE_ID, id);
                if (i < 6 * projects.length) {
                    // one acknowledged write per topic and key first: a partition whose leader is still
                    // settling can answer NOT_LEADER to several in-flight batches, which the idempotent
                    // producer then retries out of sequence, forever
                    acknowledged(p.send(r));
                } else {
                    p.send(r);
                }
                projectById.put(id, project);
            }
        }
        return projectById;
    }

    private static void acknowledged(java.util.concurrent.Future<?> write) {
        try {
            write.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("write failed", e.getCause());
        }
    }
}
