package dev.sluice.sink.forwarder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.sink.AcceptanceSpan;
import dev.sluice.sink.BackToBackClients;
import dev.sluice.sink.PacedEventWriter;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Not a test: sink-forwarder against the Segment stand-in, first the stand-in's own capacity for the
 * same request shape, then per case (no faults, 10 % and 20 % of requests answered 429 with
 * {@code Retry-After: 1}, and a stand-in that takes only 10 requests a second) the rate at which it
 * drains a backlog, the delay from ingest receipt to acceptance under a steady load, and how many
 * records it parked. The runtime's defaults throughout. See BENCHMARKS.md.
 */
public final class ForwarderBenchmark {

    private static final String[] PROJECTS = {"project-a", "project-b", "project-c"};

    public static void main(String[] args) throws Exception {
        int backlog = Integer.getInteger("bench.events", 200_000);
        int rate = Integer.getInteger("bench.rate", 5_000);
        int seconds = Integer.getInteger("bench.seconds", 20);
        System.out.printf("backlog %,d events; steady load %,d events/s for %d s; 3 projects; 6 typed topics x 2 "
                + "partitions; %d cores%n", backlog, rate, seconds, Runtime.getRuntime().availableProcessors());
        try (SegmentStandIn segment = new SegmentStandIn("seg-a", "seg-b", "seg-c")) {
            System.out.printf("stand-in capacity (2 client threads posting gzip batches of 1,000 events): "
                    + "%,.0f events/s%n", standInCapacity(segment, 10));
        }
        System.out.println("| case | drain events/s | vs no faults | requests (429s) | p50 latency | p99 latency "
                + "| max latency | parked |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        List<Map.Entry<String, Consumer<SegmentStandIn>>> cases = List.of(
                Map.entry("no faults", s -> { }),
                Map.entry("10 % of requests 429", s -> s.rateLimitFraction = 0.10),
                Map.entry("20 % of requests 429", s -> s.rateLimitFraction = 0.20),
                Map.entry("429 past 10 requests/s", s -> s.maxRequestsPerSecond = 10));
        double noFault = 0;
        for (Map.Entry<String, Consumer<SegmentStandIn>> c : cases) {
            long[] drain = drain(backlog, c.getValue());
            double drainRate = backlog / (drain[0] / 1000.0);
            if (noFault == 0) {
                noFault = drainRate;
            }
            long[] steady = steady(rate, seconds, c.getValue());
            System.out.printf("| %s | %,.0f | %.2f | %,d (%,d) | %,d ms | %,d ms | %,d ms | %d |%n", c.getKey(),
                    drainRate, drainRate / noFault, drain[1], drain[2], steady[0], steady[1], steady[2],
                    drain[3] + steady[3]);
        }
        System.exit(0);
    }

    /** Delivers a backlog; returns {millis from the first acceptance to the last, requests, 429s, parked}. */
    static long[] drain(int n, Consumer<SegmentStandIn> faults) throws Exception {
        Topics topics = ForwarderTestEvents.newTopics();
        ForwarderTestEvents.write(topics, n, i -> false, PROJECTS);
        try (SegmentStandIn segment = new SegmentStandIn("seg-a", "seg-b", "seg-c")) {
            faults.accept(segment);
            try (SinkService sink = SegmentSinkTest.start(env(topics, segment))) {
                SinkTestTopics.awaitCommitted("sluice-sink-forwarder", topics, n, 50);
            }
            return new long[] {AcceptanceSpan.of(segment.received, SegmentStandIn.Received::atMillis).millis(),
                    segment.calls.get(), segment.rateLimited.get(), parked(topics)};
        }
    }

    /** Events written at {@code rate} for {@code seconds} while the sink runs; returns {p50, p99, max, parked}. */
    static long[] steady(int rate, int seconds, Consumer<SegmentStandIn> faults) throws Exception {
        Topics topics = ForwarderTestEvents.newTopics();
        try (SegmentStandIn segment = new SegmentStandIn("seg-a", "seg-b", "seg-c");
             SinkService sink = SegmentSinkTest.start(env(topics, segment))) {
            faults.accept(segment);
            try (PacedEventWriter writer = new PacedEventWriter(SharedKafka.bootstrapServers(), topics, rate,
                    PROJECTS)) {
                Thread.sleep(seconds * 1000L);
            }
            long written = SinkTestTopics.written(topics);
            SinkTestTopics.awaitCommitted("sluice-sink-forwarder", topics, written, 20);
            List<Long> delays = new ArrayList<>();
            for (SegmentStandIn.Received r : segment.received) {
                long sent = r.event().path("properties").path("sentMs").asLong(-1);
                if (sent > 0) {
                    delays.add(r.atMillis() - sent);
                }
            }
            if (delays.size() < written) {
                throw new IllegalStateException("received " + delays.size() + " of " + written);
            }
            return new long[] {PacedEventWriter.quantile(delays, 0.5), PacedEventWriter.quantile(delays, 0.99),
                    PacedEventWriter.quantile(delays, 1.0), parked(topics)};
        }
    }

    private static long parked(Topics topics) {
        return TopicProbe.count(SharedKafka.bootstrapServers(), topics.retry("sink-forwarder"));
    }

    /** The runtime's defaults, not the tests' short delays. */
    private static Map<String, String> env(Topics topics, SegmentStandIn segment) {
        Map<String, String> env = ForwarderTestEvents.env(topics, segment.url(), Map.of());
        env.remove("SLUICE_SINK_BACKOFF_BASE");
        env.remove("SLUICE_SINK_BACKOFF_MAX");
        env.remove("SLUICE_SINK_RETRY_BASE");
        env.remove("SLUICE_SINK_RETRY_MAX_DELAY");
        return env;
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
        return BackToBackClients.eventsPerSecond(http, 2, seconds, 1000, req);
    }
}
