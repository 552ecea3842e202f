package dev.sluice.sink.amplitude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.EventType;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.SinkRecord;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The real Amplitude sink against an HTTP V2 stand-in on loopback; the runtime tests on the real broker. */
class AmplitudeSinkTest {

    private static List<SinkRecord> tracks(int n, String project) {
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(new SinkRecord(project, "track", AmplitudeTestEvents.json(i, EventType.TRACK, "t-" + i, project,
                    "device-" + i).getBytes(StandardCharsets.UTF_8), 0L, new RecordHeaders()));
        }
        return batch;
    }

    private static AmplitudeSink sink(AmplitudeStandIn amplitude) {
        return new AmplitudeSink(AmplitudeConfig.fromEnv(Map.of("SLUICE_AMPLITUDE_URL", amplitude.url(),
                "SLUICE_AMPLITUDE_API_KEYS", "project-a=amp-key-a")));
    }

    private static Map<String, Long> countById(AmplitudeStandIn amplitude) {
        return amplitude.insertIds().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void a400NamingTwoEventsOfFiveHundredRefusesThoseTwoAndDeliversTheRestOnce() throws Exception {
        try (AmplitudeStandIn amplitude = new AmplitudeStandIn("amp-key-a")) {
            amplitude.invalidInsertIds.addAll(Set.of("t-17", "t-388"));
            List<Delivery> results = sink(amplitude).deliver(tracks(500, "project-a"), Instant.now().plusSeconds(30));

            assertThat(results).hasSize(500);
            for (int i = 0; i < 500; i++) {
                Delivery d = results.get(i);
                if (i == 17 || i == 388) {
                    assertThat(d.outcome()).as("event " + i).isEqualTo(Delivery.Outcome.PERMANENT);
                    assertThat(d.code()).isEqualTo("http_400");
                    assertThat(d.reason()).contains("invalid event_properties");
                } else {
                    assertThat(d.outcome()).as("event " + i).isEqualTo(Delivery.Outcome.DELIVERED);
                }
            }
            Map<String, Long> counts = countById(amplitude);
            assertThat(counts).hasSize(498).doesNotContainKeys("t-17", "t-388");
            assertThat(counts.values()).containsOnly(1L);
            assertThat(amplitude.calls.get()).as("the refused request, then the rest once").isEqualTo(2);
        }
    }

    @Test
    void a413SplitsTheRequestUntilEachPartFitsAndEveryEventArrivesOnce() throws Exception {
        try (AmplitudeStandIn amplitude = new AmplitudeStandIn("amp-key-a")) {
            amplitude.maxBodyBytes = 40_000; // ~100 events of this size
            List<Delivery> results = sink(amplitude).deliver(tracks(500, "project-a"), Instant.now().plusSeconds(30));

            assertThat(results).extracting(Delivery::outcome).containsOnly(Delivery.Outcome.DELIVERED);
            assertThat(amplitude.status413.get()).isGreaterThan(0);
            Map<String, Long> counts = countById(amplitude);
            assertThat(counts).hasSize(500);
            assertThat(counts.values()).containsOnly(1L);
        }
    }

    @Test
    void aBodyIsCappedAt2000EventsAndAMegabyte() {
        byte[][] encoded = new byte[4500][];
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = new byte[i < 4000 ? 100 : 300_000];
            all.add(i);
        }
        List<List<Integer>> chunks = AmplitudeSink.chunks(all, encoded);
        assertThat(chunks.get(0)).hasSize(2000);
        assertThat(chunks.get(1)).hasSize(2000);
        assertThat(chunks).allSatisfy(c -> assertThat(c.stream().mapToLong(i -> encoded[i].length + 1).sum())
                .isLessThan(AmplitudeSink.MAX_BODY_BYTES));
        assertThat(chunks.stream().mapToInt(List::size).sum()).isEqualTo(4500);
    }

    @Test
    void everyEventArrivesWithItsMessageIdAsInsertIdAliasesAreDiscardedAndTwoRefusedGoToTheDlq() throws Exception {
        Topics topics = AmplitudeTestEvents.newTopics();
        Map<String, String> projectById = AmplitudeTestEvents.write(topics, 600, "project-a", "project-b");
        Set<String> aliases = projectById.keySet().stream().filter(id -> AmplitudeTestEvents.index(id) % 6 == 5)
                .collect(Collectors.toSet());
        Set<String> refused = Set.of(topics.prefix() + "m-0", topics.prefix() + "m-301");
        try (AmplitudeStandIn amplitude = new AmplitudeStandIn("amp-key-a", "amp-key-b")) {
            amplitude.invalidInsertIds.addAll(refused);
            amplitude.failNextCalls = 2;
            try (SinkService sink = AmplitudeTestEvents.start(AmplitudeTestEvents.env(topics, amplitude.url(), Map.of()))) {
                await().atMost(120, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("sluice-sink-amplitude", topics) == 600);
                assertThat(sink.registry().scrape()).contains(
                        "sluice_sink_discarded_total{code=\"alias_unsupported\",group=\"sluice-sink-amplitude\","
                                + "sink=\"sink-amplitude\"} 100.0");
            }
            Map<String, Long> counts = countById(amplitude);
            Set<String> expected = new HashSet<>(projectById.keySet());
            expected.removeAll(aliases);
            expected.removeAll(refused);
            assertThat(counts.keySet()).isEqualTo(expected);
            assertThat(counts.values()).as("the rest of a refused request sent once more, not twice").containsOnly(1L);
            assertThat(amplitude.received).allSatisfy(r -> {
                String id = r.insertId();
                assertThat(r.apiKey()).isEqualTo(projectById.get(id).equals("project-a") ? "amp-key-a" : "amp-key-b");
                assertThat(r.event().get("user_id").asText()).isEqualTo("user-" + AmplitudeTestEvents.index(id));
                assertThat(r.event().get("time").asLong()).isEqualTo(Instant.parse("2026-03-01T12:00:05.123Z").toEpochMilli());
            });

            List<ConsumerRecord<String, byte[]>> dead = TopicProbe.read(SharedKafka.bootstrapServers(),
                    topics.dlq("sink-amplitude"), 2, Duration.ofSeconds(20), Duration.ofMillis(500));
            assertThat(dead).extracting(r -> SegmentJson.parse(r.value()).get("messageId").asText())
                    .containsExactlyInAnyOrderElementsOf(refused);
            assertThat(dead).allSatisfy(r -> {
                assertThat(FailureHeaders.text(r.headers(), FailureHeaders.CODE)).isEqualTo("http_400");
                assertThat(FailureHeaders.text(r.headers(), FailureHeaders.REASON)).contains("invalid event_properties");
            });
        }
    }

    @Test
    void aThrottledDeviceHoldsBackOnlyItsOwnEventsWhileTheOthersFlow() throws Exception {
        Topics topics = AmplitudeTestEvents.newTopics();
        // one device sends every fifth event; only track, so nothing is discarded
        Map<String, String> projectById = TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, 300,
                (i, type, id, project) -> AmplitudeTestEvents.json(i, EventType.TRACK, id, project,
                        i % 5 == 0 ? "device-hot" : "device-" + i), "project-a");
        Set<String> hot = projectById.keySet().stream().filter(id -> AmplitudeTestEvents.index(id) % 5 == 0)
                .collect(Collectors.toSet());
        try (AmplitudeStandIn amplitude = new AmplitudeStandIn("amp-key-a")) {
            amplitude.throttledDevices.add("device-hot");
            amplitude.throttleResponses.set(3);
            try (SinkService sink = AmplitudeTestEvents.start(AmplitudeTestEvents.env(topics, amplitude.url(),
                    Map.of("SLUICE_AMPLITUDE_THROTTLE_BACKOFF", "PT2S")))) {
                await().atMost(120, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("sluice-sink-amplitude", topics) == 300);
            }
            assertThat(amplitude.throttles).hasSize(3);
            Map<String, Long> counts = countById(amplitude);
            assertThat(counts.keySet()).isEqualTo(projectById.keySet());
            assertThat(counts.values()).containsOnly(1L);

            // the others of the first throttled request were accepted before any of the device's events
            Map<String, Long> seqById = amplitude.received.stream().collect(Collectors.toMap(
                    AmplitudeStandIn.Received::insertId, AmplitudeStandIn.Received::seq));
            long firstHot = hot.stream().mapToLong(seqById::get).min().orElseThrow();
            List<String> othersOfFirst = amplitude.throttles.peek().insertIds().stream()
                    .filter(id -> !hot.contains(id)).toList();
            assertThat(othersOfFirst).isNotEmpty();
            assertThat(othersOfFirst).allSatisfy(id -> assertThat(seqById.get(id)).isLessThan(firstHot));
            // and the device's events were held, not sent again before Amplitude stopped throttling it
            assertThat(amplitude.throttles).allSatisfy(t -> assertThat(t.insertIds()).anyMatch(hot::contains));
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), topics.dlq("sink-amplitude"))).isZero();
        }
    }

    @Test
    void eventsOfAProjectWithoutAKeyGoToTheDlq() throws Exception {
        Topics topics = AmplitudeTestEvents.newTopics();
        AmplitudeTestEvents.write(topics, 12, "project-a", "project-z");
        try (AmplitudeStandIn amplitude = new AmplitudeStandIn("amp-key-a")) {
            try (SinkService sink = AmplitudeTestEvents.start(AmplitudeTestEvents.env(topics, amplitude.url(), Map.of()))) {
                await().atMost(60, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("sluice-sink-amplitude", topics) == 12);
            }
            // project-z's six events, its alias too: the key is missing whatever the type
            List<ConsumerRecord<String, byte[]>> dead = TopicProbe.read(SharedKafka.bootstrapServers(),
                    topics.dlq("sink-amplitude"), 6, Duration.ofSeconds(10), Duration.ofMillis(300));
            assertThat(dead).hasSize(6).allSatisfy(r ->
                    assertThat(FailureHeaders.text(r.headers(), FailureHeaders.CODE)).isEqualTo("no_api_key"));
            assertThat(amplitude.received).hasSize(6); // project-a has the even events: no alias among them
        }
    }
}
