package dev.sluice.sink.forwarder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.sink.SinkService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: events/s forwarded to the Segment stand-in, against the stand-in's own capacity for
 * the same request shape (gzip, ~2,500 events or 480 KB) measured in the same run. See BENCHMARKS.md.
 */
public final class ForwarderBenchmark {

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.events", 200_000);
        Topics topics = ForwarderTestEvents.newTopics();
        ForwarderTestEvents.write(topics, n, i -> false, "project-a", "project-b", "project-c");
        System.out.printf("input: %,d events in 6 typed topics x 2 partitions, 3 projects, %d cores%n", n,
                Runtime.getRuntime().availableProcessors());
        try (SegmentStandIn segment = new SegmentStandIn("seg-a", "seg-b", "seg-c")) {
            double capacity = standInCapacity(segment, 10);
            segment.received.clear();
            segment.requests.set(0);
            Map<String, String> env = ForwarderTestEvents.env(topics, segment.url(), Map.of());
            long t0 = System.nanoTime();
            try (SinkService sink = SegmentForwarderTest.start(env)) {
                while (ForwarderTestEvents.committed("sluice-sink-forwarder", topics) < n) {
                    Thread.sleep(50);
                }
                double batches = sink.registry().get("sluice.sink.batch.records").summary().count();
                System.out.printf("runtime batches: %.0f, mean %.0f events%n", batches, n / batches);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("stand-in capacity (2 client threads posting gzip batches of 1,000 events): "
                    + "%,.0f events/s%n", capacity);
            System.out.printf("sink-forwarder: %,d events in %.1f s = %,.0f events/s (%,d requests) -> %.0f %% of the "
                    + "stand-in's capacity%n", n, secs, n / secs, segment.requests.get(), 100 * n / secs / capacity);
        }
        System.exit(0);
    }

    /** The stand-in's own ceiling: pre-encoded gzip batches posted back to back for {@code seconds}. */
    static double standInCapacity(SegmentStandIn segment, int seconds) throws Exception {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add((ObjectNode) SegmentJson.parse(("{\"type\":\"track\",\"messageId\":\"cap-" + i
                    + "\",\"userId\":\"u" + i + "\",\"event\":\"E\",\"timestamp\":\"2026-03-01T12:00:05.000Z\","
                    + "\"properties\":{\"i\":" + i + ",\"poison\":false}}").getBytes(StandardCharsets.UTF_8)));
        }
        byte[] body = BatchBody.encode(events, "seg-a", Instant.now(), true);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(segment.url()))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("seg-a:".getBytes()))
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        AtomicLong posted = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            posted.addAndGet(1000);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        return posted.get() / (double) seconds;
    }
}
