package dev.sluice.sink.amplitude;

import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.UniqueTopics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/** Router-shaped events in the typed topics for Amplitude tests, and the environment pointing at a stand-in. */
final class AmplitudeTestEvents {

    private AmplitudeTestEvents() {
    }

    static Topics newTopics() {
        return UniqueTopics.next("amp");
    }

    static Map<String, String> env(Topics topics, String url, Map<String, String> extra) {
        Map<String, String> env = SinkTestTopics.env(topics, Map.of(
                "SLUICE_AMPLITUDE_URL", url,
                "SLUICE_AMPLITUDE_API_KEYS", "project-a=amp-key-a,project-b=amp-key-b"));
        env.putAll(extra);
        return env;
    }

    static SinkService start(Map<String, String> env) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return SinkService.start(SinkConfig.fromEnv(env, "sink-amplitude", 0),
                new AmplitudeSink(AmplitudeConfig.fromEnv(env)), null, registry);
    }

    /** Segment JSON of event {@code i} of {@code type}, as the router stores it. */
    static String json(int i, EventType type, String messageId, String project, String anonymousId) {
        String specific = switch (type) {
            case TRACK -> "\"event\":\"Order Completed\",\"properties\":{\"i\":" + i + ",\"revenue\":9.5}";
            case IDENTIFY -> "\"traits\":{\"email\":\"u" + i + "@example.com\",\"plan\":\"pro\"}";
            case PAGE -> "\"name\":\"Pricing\",\"properties\":{\"path\":\"/pricing\"}";
            case SCREEN -> "\"name\":\"Home\",\"properties\":{\"i\":" + i + "}";
            case GROUP -> "\"groupId\":\"acme-inc\",\"traits\":{\"employees\":40}";
            case ALIAS -> "\"previousId\":\"old-" + i + "\"";
        };
        return "{\"type\":\"" + type.wireName() + "\",\"messageId\":\"" + messageId + "\",\"userId\":\"user-" + i
                + "\",\"anonymousId\":\"" + anonymousId + "\",\"projectId\":\"" + project + "\","
                + "\"timestamp\":\"2026-03-01T12:00:05.123Z\",\"originalTimestamp\":\"2026-03-01T13:00:00.000Z\","
                + "\"sentAt\":\"2026-03-01T13:00:05.000Z\",\"receivedAt\":\"2026-03-01T12:00:10.000Z\","
                + "\"context\":{\"ip\":\"203.0.113.7\",\"library\":{\"name\":\"analytics-node\",\"version\":\"2.1.0\"},"
                + "\"os\":{\"name\":\"iOS\",\"version\":\"17.2\"},\"locale\":\"de-DE\"}," + specific + "}";
    }

    /** {@code n} events over the projects in rotation, types in rotation; returns messageId → project. */
    static Map<String, String> write(Topics topics, int n, String... projects) {
        return TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, n,
                (i, type, id, project) -> json(i, type, id, project, "device-" + i), projects);
    }

    static int index(String messageId) {
        return Integer.parseInt(messageId.substring(messageId.lastIndexOf('-') + 1));
    }
}
