package dev.sluice.sink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The real forwarder against a Segment stand-in on loopback, on the real broker. */
class SegmentSinkTest {

    static SinkService start(Map<String, String> env) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return SinkService.start(SinkConfig.fromEnv(env, "sink-forwarder", 0),
                new SegmentSink(ForwarderConfig.fromEnv(env)), null, registry);
    }

    @Test
    void aCallReturnsByItsDeadlineWhenSegmentIsSlowLeavingTheEventsToRetry() throws Exception {
        try (SegmentStandIn segment = new SegmentStandIn("seg-a", "seg-b")) {
            segment.delayMillis = 8000;
            Map<String, String> env = Map.of("SLUICE_FORWARD_URL", segment.url(),
                    "SLUICE_FORWARD_WRITE_KEYS", "project-a=seg-a,project-b=seg-b");
            SegmentSink forwarder = new SegmentSink(ForwarderConfig.fromEnv(env));
            List<dev.sluice.sink.SinkRecord> batch = List.of(record("project-a", "d-1"), record("project-b", "d-2"));
            long t0 = System.nanoTime();
            List<dev.sluice.sink.Delivery> results = forwarder.deliver(batch, Instant.now().plusMillis(1500));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            // back before Segment would have answered the first request, and nothing lost: both to retry
            assertThat(tookMs).isLessThan(6000);
            assertThat(results).extracting(dev.sluice.sink.Delivery::outcome)
                    .containsOnly(dev.sluice.sink.Delivery.Outcome.TRANSIENT).hasSize(2);
            // the first request was cut at the deadline, the second never started
            assertThat(results).extracting(dev.sluice.sink.Delivery::code).containsExactly("timeout", "deadline_exceeded");
        }
    }

    private static dev.sluice.sink.SinkRecord record(String project, String messageId) {
        return new dev.sluice.sink.SinkRecord(project, "track", ("{\"type\":\"track\",\"userId\":\"u\","
                + "\"event\":\"E\",\"messageId\":\"" + messageId + "\"}").getBytes(StandardCharsets.UTF_8),
                System.currentTimeMillis(), new org.apache.kafka.common.header.internals.RecordHeaders());
    }

    @Test
    void underFaultsEveryEventArrivesOnlyMarkedOnesAreDeadLetteredAndARevokedKeyStopsOnlyItsProject()
            throws Exception {
        Topics topics = ForwarderTestEvents.newTopics();
        Map<String, String> projectById = ForwarderTestEvents.write(topics, 3000, i -> i % 397 == 5,
                "project-a", "project-b", "project-c");
        Set<String> poisoned = projectById.keySet().stream()
                .filter(id -> Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) % 397 == 5)
                .collect(Collectors.toSet());
        // seg-c is revoked: Segment answers 401 for it
        try (SegmentStandIn segment = new SegmentStandIn("seg-a", "seg-b")) {
            segment.failNextCalls = 3;
            segment.rateLimitNext = 2;
            segment.delayMillis = 5;
            try (SinkService sink = start(ForwarderTestEvents.env(topics, segment.url(), Map.of()))) {
                await().atMost(120, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("sluice-sink-forwarder", topics) == 3000);
                assertThat(sink.registry().scrape()).contains("outcome=\"retried\"", "outcome=\"dead_lettered\"");
            }
            Set<String> expectedDelivered = projectById.entrySet().stream()
                    .filter(e -> !e.getValue().equals("project-c") && !poisoned.contains(e.getKey()))
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
            assertThat(new HashSet<>(segment.messageIds())).isEqualTo(expectedDelivered);

            Set<String> expectedDead = projectById.entrySet().stream()
                    .filter(e -> e.getValue().equals("project-c") || poisoned.contains(e.getKey()))
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
            List<ConsumerRecord<String, byte[]>> dead = TopicProbe.read(SharedKafka.bootstrapServers(),
                    topics.dlq("sink-forwarder"), expectedDead.size(), Duration.ofSeconds(20), Duration.ofMillis(500));
            Map<String, String> codeById = dead.stream().collect(Collectors.toMap(
                    r -> SegmentJson.parse(r.value()).get("messageId").asText(),
                    r -> FailureHeaders.text(r.headers(), FailureHeaders.CODE)));
            assertThat(codeById.keySet()).isEqualTo(expectedDead);
            codeById.forEach((id, code) -> assertThat(code).isEqualTo(poisoned.contains(id) && !projectById.get(id)
                    .equals("project-c") ? "http_400" : "http_401"));
            ConsumerRecord<String, byte[]> bad = dead.stream().filter(r -> FailureHeaders.text(r.headers(),
                    FailureHeaders.CODE).equals("http_400")).findFirst().orElseThrow();
            assertThat(FailureHeaders.text(bad.headers(), FailureHeaders.REASON)).contains("invalid event");
        }
    }

    @Test
    void bodyKeepsMessageIdAndCorrectedTimestampWithItsOwnSentAtGzippedAndAuthenticated() throws Exception {
        Topics topics = ForwarderTestEvents.newTopics();
        ForwarderTestEvents.write(topics, 12, i -> false, "project-a", "project-b");
        Instant before = Instant.now();
        try (SegmentStandIn segment = new SegmentStandIn("seg-a", "seg-b");
             SinkService sink = start(ForwarderTestEvents.env(topics, segment.url(), Map.of()))) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> segment.received.size() >= 12);
            assertThat(segment.received).allSatisfy(r -> {
                JsonNode e = r.event();
                assertThat(r.writeKey()).isEqualTo(e.get("userId").asText().matches("u\\d*[02468]") ? "seg-a" : "seg-b");
                assertThat(e.get("timestamp").asText()).isEqualTo("2026-03-01T12:00:05.000Z");
                assertThat(e.has("originalTimestamp")).isFalse();
                assertThat(e.has("sentAt")).isFalse();
                assertThat(e.has("receivedAt")).isFalse();
                assertThat(e.has("projectId")).isFalse();
                assertThat(e.get("messageId").asText()).isNotEmpty();
                assertThat(IsoInstant.parse(r.sentAt())).hasValueSatisfying(s -> assertThat(s).isAfterOrEqualTo(
                        before.minusMillis(1)));
                assertThat(r.contentEncoding()).isEqualTo("gzip");
            });
        }
    }

    @Test
    void unmappedProjectsGoToTheDlqOrAreSkippedAndCountedWhenConfiguredTo() throws Exception {
        Topics dlqTopics = ForwarderTestEvents.newTopics();
        ForwarderTestEvents.write(dlqTopics, 10, i -> false, "project-a", "project-z");
        Topics skipTopics = ForwarderTestEvents.newTopics();
        ForwarderTestEvents.write(skipTopics, 10, i -> false, "project-a", "project-z");
        try (SegmentStandIn segment = new SegmentStandIn("seg-a")) {
            try (SinkService sink = start(ForwarderTestEvents.env(dlqTopics, segment.url(), Map.of()))) {
                await().atMost(60, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("sluice-sink-forwarder", dlqTopics) == 10);
            }
            List<ConsumerRecord<String, byte[]>> dead = TopicProbe.read(SharedKafka.bootstrapServers(),
                    dlqTopics.dlq("sink-forwarder"), 5, Duration.ofSeconds(10), Duration.ofMillis(300));
            assertThat(dead).hasSize(5).allSatisfy(r ->
                    assertThat(FailureHeaders.text(r.headers(), FailureHeaders.CODE)).isEqualTo("no_write_key"));

            try (SinkService sink = start(ForwarderTestEvents.env(skipTopics, segment.url(),
                    Map.of("SLUICE_FORWARD_UNMAPPED", "skip", "SLUICE_SINK_GROUP_ID", "skip-group")))) {
                await().atMost(60, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("skip-group", skipTopics) == 10);
                assertThat(sink.registry().scrape()).contains(
                        "sluice_sink_discarded_total{code=\"no_write_key\",group=\"skip-group\",sink=\"sink-forwarder\"} 5.0",
                        "group=\"skip-group\",outcome=\"discarded\",project=\"project-z\",sink=\"sink-forwarder\"} 5.0");
            }
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), skipTopics.dlq("sink-forwarder"))).isZero();
            assertThat(segment.received).hasSize(10);
        }
    }

    @Test
    void chainedIntoASecondSluiceItsEventsLandInThatInstancesKafka() throws Exception {
        Topics topics = ForwarderTestEvents.newTopics();
        Map<String, String> projectById = ForwarderTestEvents.write(topics, 200, i -> false, "project-a", "project-b");
        Topics downstream = ForwarderTestEvents.newTopics();
        Map<String, String> ingestEnv = Map.of("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "SLUICE_TOPIC_PREFIX", downstream.prefix(), "SLUICE_INGEST_PORT", "0",
                "SLUICE_WRITE_KEYS", "seg-a=downstream-a,seg-b=downstream-b,seg-c=downstream-c");
        try (IngestApi second = IngestApi.start(IngestConfig.fromEnv(ingestEnv));
             SinkService sink = start(ForwarderTestEvents.env(topics,
                     "http://localhost:" + second.port() + "/v1/batch", Map.of()))) {
            await().atMost(60, TimeUnit.SECONDS)
                    .until(() -> SinkTestTopics.committed("sluice-sink-forwarder", topics) == 200);
            List<ConsumerRecord<String, byte[]>> raw = TopicProbe.read(SharedKafka.bootstrapServers(),
                    downstream.ingestRaw(), 1, Duration.ofSeconds(10), Duration.ofMillis(500));
            Set<String> ids = raw.stream().flatMap(r -> {
                JsonNode env = SegmentJson.parse(r.value());
                assertThat(r.key()).startsWith("downstream-");
                return java.util.stream.StreamSupport.stream(env.get("batch").spliterator(), false)
                        .map(e -> e.get("messageId").asText());
            }).collect(Collectors.toSet());
            assertThat(ids).isEqualTo(projectById.keySet());
            assertThat(new String(raw.get(0).value(), StandardCharsets.UTF_8)).contains("\"sentAt\"");
        }
    }

    @Test
    void aDestinationSlowerThanTheTimeoutIsRetriedUntilItAnswers() throws Exception {
        Topics topics = ForwarderTestEvents.newTopics();
        Map<String, String> projectById = ForwarderTestEvents.write(topics, 50, i -> false, "project-a");
        try (SegmentStandIn segment = new SegmentStandIn("seg-a")) {
            segment.delayMillis = 1500;
            try (SinkService sink = start(ForwarderTestEvents.env(topics, segment.url(),
                    Map.of("SLUICE_FORWARD_TIMEOUT", "PT0.5S")))) {
                await().atMost(30, TimeUnit.SECONDS).until(() -> sink.registry().scrape().contains(
                        "outcome=\"retried\""));
                segment.delayMillis = 0;
                await().atMost(60, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("sluice-sink-forwarder", topics) == 50);
            }
            assertThat(new HashSet<>(segment.messageIds())).isEqualTo(projectById.keySet());
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), topics.dlq("sink-forwarder"))).isZero();
        }
    }

    @Test
    void classifiesResponsesAsWireMdSays() {
        assertThat(SegmentSink.classify(200, "{}", null).outcome()).isEqualTo(dev.sluice.sink.Delivery.Outcome.DELIVERED);
        for (int s : new int[] {500, 502, 503, 408, 410, 460}) {
            assertThat(SegmentSink.classify(s, "", null).outcome()).as("" + s)
                    .isEqualTo(dev.sluice.sink.Delivery.Outcome.TRANSIENT);
        }
        for (int s : new int[] {400, 401, 403, 404, 413}) {
            assertThat(SegmentSink.classify(s, "", null).outcome()).as("" + s)
                    .isEqualTo(dev.sluice.sink.Delivery.Outcome.PERMANENT);
        }
        assertThat(SegmentSink.classify(429, "", "7").retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(SegmentSink.classify(429, "", "7").throttled()).isTrue();
        assertThat(SegmentSink.classify(503, "", null).throttled()).isFalse();
        assertThat(SegmentSink.parseRetryAfter("9999")).isEqualTo(Duration.ofMinutes(5));
        assertThat(SegmentSink.parseRetryAfter("soon")).isNull();
    }
}
