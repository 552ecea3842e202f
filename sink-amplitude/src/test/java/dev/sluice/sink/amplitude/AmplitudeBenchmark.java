package dev.sluice.sink.amplitude;

import dev.sluice.model.EventType;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.sink.AcceptanceSpan;
import dev.sluice.sink.BackToBackClients;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Not a test: sink-amplitude draining a backlog into the HTTP V2 stand-in, against the stand-in's own
 * capacity for the same request shape measured in the same run. See BENCHMARKS.md.
 */
public final class AmplitudeBenchmark {

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.events", 100_000);
        System.out.printf("backlog %,d events (all six types in rotation: the aliases are discarded), 2 projects, "
                + "6 typed topics x 2 partitions, %d cores%n", n, Runtime.getRuntime().availableProcessors());
        try (AmplitudeStandIn amplitude = new AmplitudeStandIn("amp-key-a", "amp-key-b")) {
            System.out.printf("stand-in capacity (2 client threads posting pre-encoded requests of 1,000 events): "
                    + "%,.0f events/s%n", capacity(amplitude, 10));
        }
        Topics topics = AmplitudeTestEvents.newTopics();
        AmplitudeTestEvents.write(topics, n, "project-a", "project-b");
        try (AmplitudeStandIn amplitude = new AmplitudeStandIn("amp-key-a", "amp-key-b")) {
            Map<String, String> env = AmplitudeTestEvents.env(topics, amplitude.url(), Map.of());
            for (String k : List.of("SLUICE_SINK_BACKOFF_BASE", "SLUICE_SINK_BACKOFF_MAX", "SLUICE_SINK_RETRY_BASE",
                    "SLUICE_SINK_RETRY_MAX_DELAY")) {
                env.remove(k);
            }
            try (SinkService sink = AmplitudeTestEvents.start(env)) {
                SinkTestTopics.awaitCommitted("sluice-sink-amplitude", topics, n, 50);
            }
            AcceptanceSpan span = AcceptanceSpan.of(amplitude.received, AmplitudeStandIn.Received::atMillis);
            int sent = amplitude.received.size();
            System.out.printf("sink-amplitude: %,d events sent in %.1f s = %,.0f events/s (%d requests)%n", sent,
                    span.millis() / 1000.0, span.perSecond(sent), amplitude.calls.get());
        }
        System.exit(0);
    }

    /** Pre-encoded requests of 1,000 mapped events posted back to back for {@code seconds}; events/s. */
    static double capacity(AmplitudeStandIn amplitude, int seconds) throws Exception {
        AmplitudeEvent mapper = new AmplitudeEvent(AmplitudeConfig.fromEnv(Map.of("SLUICE_AMPLITUDE_API_KEYS", "p=k")));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"api_key\":\"amp-key-a\",\"events\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 1000; i++) {
            if (i > 0) {
                body.write(',');
            }
            byte[] stored = AmplitudeTestEvents.json(i, EventType.TRACK, "cap-" + i, "project-a", "device-" + i)
                    .getBytes(StandardCharsets.UTF_8);
            body.writeBytes(SegmentJson.toBytes(mapper.map(stored, 0).event()));
        }
        body.writeBytes("],\"options\":{\"min_id_length\":5}}".getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(amplitude.url())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        double rate = BackToBackClients.eventsPerSecond(http, 2, seconds, 1000, req);
        amplitude.received.clear();
        return rate;
    }
}
