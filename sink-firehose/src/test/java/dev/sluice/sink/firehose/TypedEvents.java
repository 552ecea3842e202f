package dev.sluice.sink.firehose;

import dev.sluice.embeddedkafka.SharedKafka;
import dev.sluice.embeddedkafka.TopicProbe;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.TopicCreator;
import dev.sluice.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Router-shaped events written straight into the typed topics, and group offsets read back. */
final class TypedEvents {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private TypedEvents() {
    }

    static Topics newTopics() {
        return new Topics("f" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + ".");
    }

    /** Writes {@code n} events for the given projects in rotation; returns messageId → project. */
    static Map<String, String> write(Topics topics, int n, String... projects) {
        new TopicCreator(SharedKafka.bootstrapServers(), 2, 1).ensure(topics.allEventTopics(), Duration.ofSeconds(10));
        Map<String, String> projectById = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String project = projects[i % projects.length];
                EventType type = EventType.values()[i % 6];
                String id = topics.prefix() + "m-" + i;
                String json = "{\"type\":\"" + type.wireName() + "\",\"messageId\":\"" + id + "\",\"userId\":\"u" + i
                        + "\",\"projectId\":\"" + project + "\",\"timestamp\":\"2026-01-01T00:00:00.000Z\","
                        + "\"properties\":{\"i\":" + i + "}}";
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.events(type), project,
                        json.getBytes(StandardCharsets.UTF_8));
                EventHeaders.put(r.headers(), EventHeaders.TYPE, type.wireName());
                EventHeaders.put(r.headers(), EventHeaders.MESSAGE_ID, id);
                p.send(r);
                projectById.put(id, project);
            }
        }
        return projectById;
    }

    static String messageId(String eventJson) {
        return SegmentJson.parse(eventJson.getBytes(StandardCharsets.UTF_8)).get("messageId").asText();
    }

    /** Sum of the group's committed offsets over the typed topics. */
    static long committed(String group, Topics topics) {
        return TopicProbe.committed(SharedKafka.bootstrapServers(), group, topics.allEventTopics());
    }
}
