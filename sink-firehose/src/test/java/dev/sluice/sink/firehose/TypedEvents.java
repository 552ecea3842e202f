package dev.sluice.sink.firehose;

import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.UniqueTopics;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Router-shaped events written straight into the typed topics. */
final class TypedEvents {

    private TypedEvents() {
    }

    static Topics newTopics() {
        return UniqueTopics.next("f");
    }

    /** Writes {@code n} events for the given projects in rotation; returns messageId → project. */
    static Map<String, String> write(Topics topics, int n, String... projects) {
        return TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, n, (i, type, id, project) ->
                "{\"type\":\"" + type.wireName() + "\",\"messageId\":\"" + id + "\",\"userId\":\"u" + i
                        + "\",\"projectId\":\"" + project + "\",\"timestamp\":\"2026-01-01T00:00:00.000Z\","
                        + "\"properties\":{\"i\":" + i + "}}", projects);
    }

    static String messageId(String eventJson) {
        return SegmentJson.parse(eventJson.getBytes(StandardCharsets.UTF_8)).get("messageId").asText();
    }
}
