package dev.sluice.sink.forwarder;

import dev.sluice.model.Topics;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.UniqueTopics;
import java.util.Map;
import java.util.function.IntPredicate;

/** Router-shaped events in the typed topics for forwarder tests, and the environment that points at a stand-in. */
final class ForwarderTestEvents {

    private ForwarderTestEvents() {
    }

    static Topics newTopics() {
        return UniqueTopics.next("w");
    }

    static Map<String, String> env(Topics topics, String url, Map<String, String> extra) {
        Map<String, String> env = SinkTestTopics.env(topics, Map.of(
                "SLUICE_FORWARD_URL", url,
                "SLUICE_FORWARD_WRITE_KEYS", "project-a=seg-a,project-b=seg-b,project-c=seg-c"));
        env.putAll(extra);
        return env;
    }

    /** {@code n} events over the projects in rotation; those matching {@code poisoned} carry the stand-in's 400 marker. */
    static Map<String, String> write(Topics topics, int n, IntPredicate poisoned, String... projects) {
        return TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, n, (i, type, id, project) ->
                "{\"type\":\"" + type.wireName() + "\",\"messageId\":\"" + id + "\",\"userId\":\"u" + i
                        + "\",\"event\":\"E\",\"groupId\":\"g\",\"previousId\":\"p\",\"projectId\":\"" + project
                        + "\",\"timestamp\":\"2026-03-01T12:00:05.000Z\",\"originalTimestamp\":\"2026-03-01T13:00:00.000Z\","
                        + "\"sentAt\":\"2026-03-01T13:00:05.000Z\",\"receivedAt\":\"2026-03-01T12:00:10.000Z\","
                        + "\"properties\":{\"i\":" + i + ",\"poison\":" + poisoned.test(i) + "}}", projects);
    }
}
