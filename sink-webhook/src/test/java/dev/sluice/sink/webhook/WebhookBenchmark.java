package dev.sluice.sink.webhook;

import dev.sluice.model.Topics;
import dev.sluice.sink.BackToBackClients;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Not a test: sink-webhook's events/s to a local receiver with one endpoint and with three (all three at the
 * same receiver, each its own consumer group), and in the same run the receiver's own capacity: one and three
 * plain client threads posting the same 100-event bodies back to back (a unit sends one request at a time).
 * See BENCHMARKS.md.
 */
public final class WebhookBenchmark {

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.events", 100_000);
        int batch = Integer.getInteger("bench.batch", 100);
        int seconds = Integer.getInteger("bench.seconds", 10);
        Topics topics = WebhookTestEvents.newTopics();
        WebhookTestEvents.write(topics, n, i -> false);
        System.out.printf("input: %,d events in 6 typed topics x 2 partitions; batches of %d events; %d cores%n", n, batch,
                Runtime.getRuntime().availableProcessors());
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.countOnly = true;
            byte[] body = sampleBody(batch);
            double ref1 = capacity(receiver, body, batch, 1, seconds);
            System.out.printf("receiver capacity, 1 client thread:  %,.0f events/s (%,d-byte bodies)%n", ref1, body.length);
            double ref3 = capacity(receiver, body, batch, 3, seconds);
            System.out.printf("receiver capacity, 3 client threads: %,.0f events/s%n", ref3);
            double one = run(topics, receiver, 1, n, batch);
            System.out.printf("sink-webhook, 1 endpoint:  %,.0f events/s -> %.2f of 1-thread capacity%n", one, one / ref1);
            double three = run(topics, receiver, 3, n, batch);
            System.out.printf("sink-webhook, 3 endpoints: %,.0f events/s delivered in all -> %.2f of 3-thread capacity%n",
                    three, three / ref3);
        }
        System.exit(0);
    }

    /** A body like the sink's: {@code batch} router-shaped events in a JSON array. */
    private static byte[] sampleBody(int batch) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            events.add("{\"type\":\"track\",\"messageId\":\"bench-m-" + i + "\",\"userId\":\"u" + i + "\","
                    + "\"event\":\"Order Completed\",\"projectId\":\"project-a\",\"timestamp\":\"2026-03-01T12:00:05.000Z\","
                    + "\"receivedAt\":\"2026-03-01T12:00:10.000Z\",\"properties\":{\"i\":" + i + ",\"marked\":false}}");
        }
        return ("[" + String.join(",", events) + "]").getBytes(StandardCharsets.UTF_8);
    }

    /** Events/s the receiver accepts from {@code threads} client threads posting back to back. */
    private static double capacity(WebhookReceiver receiver, byte[] body, int batch, int threads, int seconds)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            ids.add("bench-m-" + i);
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url()))
                .header("Content-Type", "application/json").header("Idempotency-Key", WebhookSink.batchKey(ids))
                .header("X-Sluice-Event-Count", Integer.toString(batch))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        for (int i = 0; i < 200; i++) {
            http.send(request, HttpResponse.BodyHandlers.discarding()); // warm-up
        }
        return BackToBackClients.eventsPerSecond(http, threads, seconds, batch, request);
    }

    /** Events/s delivered over all endpoints, timed at the receiver from the first acceptance to the last. */
    private static double run(Topics topics, WebhookReceiver receiver, int endpoints, int n, int batch) throws Exception {
        StringBuilder config = new StringBuilder("{\"endpoints\":[");
        for (int e = 0; e < endpoints; e++) {
            config.append(e > 0 ? "," : "").append("{\"name\":\"bench-").append(endpoints).append('-').append(e)
                    .append("\",\"url\":\"").append(receiver.url()).append("\",\"maxEvents\":").append(batch).append('}');
        }
        Path file = WebhookTestEvents.configFile(new Topics(topics.prefix() + "run" + endpoints + "."),
                config.append("]}").toString());
        Map<String, String> env = WebhookTestEvents.env(topics, file, Map.of());
        receiver.counted.set(0);
        receiver.firstCountedAt.set(0);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WebhookPlugin plugin = new WebhookPlugin();
        try (SinkService sink = SinkService.start(plugin.units(SinkConfig.fromEnv(env, plugin.name(), 0), env, registry),
                null, registry)) {
            while (receiver.counted.get() < (long) n * endpoints) {
                Thread.sleep(20);
            }
        }
        return (double) n * endpoints / (Math.max(1, receiver.lastCountedAt - receiver.firstCountedAt.get()) / 1000.0);
    }
}
