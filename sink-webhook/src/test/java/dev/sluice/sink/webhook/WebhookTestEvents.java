package dev.sluice.sink.webhook;

import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.UniqueTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/** Router-shaped events for webhook tests, their facts, and the environment and config file of a test sink. */
final class WebhookTestEvents {

    /** What a test needs to know of one written event to say which endpoints should get it. */
    record Facts(int i, String project, String type, String name, boolean marked) {
    }

    /** Five slots over three projects: independent of the six-type rotation (5 and 6 share no factor). */
    static final String[] PROJECTS = {"project-a", "project-b", "project-c", "project-a", "project-b"};

    private WebhookTestEvents() {
    }

    static Topics newTopics() {
        return UniqueTopics.next("wh");
    }

    /** A consumer group prefix of this test's own, so tests sharing the broker never share offsets. */
    static String groupPrefix(Topics topics) {
        return "sluice-sink-webhook-" + topics.prefix().replace(".", "");
    }

    /** Track events are named "Order Completed" or "Signed Up", pages "Home" or "Pricing", alternating per round of six. */
    static Map<String, Facts> write(Topics topics, int n, IntPredicate marked) {
        Map<String, Facts> facts = new LinkedHashMap<>();
        TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, n, (i, type, id, project) -> {
            String name = switch (type) {
                case TRACK -> (i / 6) % 2 == 0 ? "Order Completed" : "Signed Up";
                case PAGE, SCREEN -> (i / 6) % 2 == 0 ? "Home" : "Pricing";
                default -> null;
            };
            facts.put(id, new Facts(i, project, type.wireName(), type == EventType.SCREEN ? null : name,
                    marked.test(i)));
            String nameField = type == EventType.TRACK ? ",\"event\":\"" + name + "\""
                    : type == EventType.PAGE ? ",\"name\":\"" + name + "\"" : "";
            return "{\"type\":\"" + type.wireName() + "\",\"messageId\":\"" + id + "\",\"userId\":\"u" + i + "\""
                    + nameField + ",\"projectId\":\"" + project + "\",\"timestamp\":\"2026-03-01T12:00:05.000Z\","
                    + "\"receivedAt\":\"2026-03-01T12:00:10.000Z\",\"properties\":{\"i\":" + i + ",\"marked\":"
                    + marked.test(i) + "}}";
        }, PROJECTS);
        return facts;
    }

    static Map<String, String> env(Topics topics, Path config, Map<String, String> extra) {
        Map<String, String> env = SinkTestTopics.env(topics, Map.of(
                "SLUICE_WEBHOOK_CONFIG", config.toString(),
                "SLUICE_SINK_GROUP_ID", groupPrefix(topics)));
        env.putAll(extra);
        return env;
    }

    static Path configFile(Topics topics, String json) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "webhook-configs"));
            return Files.writeString(dir.resolve(topics.prefix() + "json"), json).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
