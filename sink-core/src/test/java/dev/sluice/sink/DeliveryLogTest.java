package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.Topics;
import dev.sluice.runtime.TopicCreator;
import dev.sluice.sink.DeliveryLogProbe.Step;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import dev.sluice.testsupport.UniqueTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** The delivery log on the real broker, written by the runtime for a scripted sink. */
class DeliveryLogTest {

    private final Topics topics = UniqueTopics.next("l");
    private final String bootstrap = SharedKafka.bootstrapServers();

    private SinkConfig config(Map<String, String> extra) {
        Map<String, String> env = SinkTestTopics.env(topics, Map.of(
                "SLUICE_SINK_BACKOFF_BASE", "PT0.01S",
                "SLUICE_SINK_BACKOFF_MAX", "PT0.05S",
                "SLUICE_SINK_RETRY_BASE", "PT0.5S",
                "SLUICE_SINK_RETRY_MAX_DELAY", "PT1S",
                "SLUICE_SINK_PARK_AFTER", "PT0.3S",
                "SLUICE_DELIVERY_LOG_RETENTION", "PT48H"));
        env.putAll(extra);
        return SinkConfig.fromEnv(env, "sink-fake", 0);
    }

    private static int index(SinkRecord r) {
        String id = EventHeaders.text(r.headers(), EventHeaders.MESSAGE_ID);
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
    }

    /** By messageId: 1 refused for good, 2 of no use, 3 failing twice in place, 4 failing until parked once. */
    private static Delivery script(SinkRecord r, int attempt) {
        return switch (index(r) % 10) {
            case 1 -> Delivery.permanentFailure("http_400", "refused: " + index(r));
            case 2 -> Delivery.discarded("no_email", "no email");
            case 3 -> attempt <= 2 ? Delivery.transientFailure("http_503", "unavailable") : Delivery.delivered();
            case 4 -> EventHeaders.text(r.headers(), RetryHeaders.PARKINGS) == null
                    ? Delivery.transientFailure("http_500", "boom") : Delivery.delivered();
            default -> Delivery.delivered();
        };
    }

    @Test
    void theLogHoldsEveryOutcomeOfEveryEventWithItsReasonAndTheTopicIsCreatedForIt() throws Exception {
        Map<String, String> ids = TypedEventWriter.write(bootstrap, topics, 200, (i, t, id, p) -> value(i), "p1", "p2");
        FakeSink sink = new FakeSink(new BatchLimits(50, 1_000_000, 1000, Duration.ofMillis(20)),
                DeliveryLogTest::script);
        SinkConfig config = config(Map.of());
        long start = System.currentTimeMillis();
        try (SinkService service = SinkService.start(config, sink, null)) {
            SinkTestTopics.awaitCommitted(config.groupId(), topics, 200, 100);
            // the parked ones come back from the retry topic: 160 = 200 less 20 dead-lettered, 20 discarded
            await().atMost(30, TimeUnit.SECONDS).until(() -> sink.delivered.size() == 160);
            await().atMost(30, TimeUnit.SECONDS).until(() -> service.registry().scrape().contains(
                    "sluice_sink_delivery_log_entries_total{group=\"sluice-sink-fake\",sink=\"sink-fake\"}"));
        }
        long end = System.currentTimeMillis();

        List<DeliveryLogEntry> entries = DeliveryLogProbe.read(bootstrap, topics.deliveries());
        Map<String, List<Step>> paths = DeliveryLogProbe.paths(entries, config.groupId());
        assertThat(paths.keySet()).containsExactlyInAnyOrderElementsOf(ids.keySet());
        for (Map.Entry<String, List<Step>> e : paths.entrySet()) {
            String id = e.getKey();
            int i = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
            List<Step> path = e.getValue();
            List<Outcome> outcomes = DeliveryLogProbe.outcomes(path);
            switch (i % 10) {
                case 1 -> {
                    assertThat(outcomes).as(id).containsExactly(Outcome.DEAD_LETTERED);
                    assertThat(path.get(0).code()).isEqualTo("http_400");
                    assertThat(path.get(0).reason()).isEqualTo("refused: " + i);
                }
                case 2 -> {
                    assertThat(outcomes).as(id).containsExactly(Outcome.DISCARDED);
                    assertThat(path.get(0).code()).isEqualTo("no_email");
                }
                case 3 -> {
                    assertThat(outcomes).as(id).containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.DELIVERED);
                    assertThat(path.get(0).code()).isEqualTo("http_503");
                    // the retry was due when the entry said, and was made no earlier
                    assertThat(path.get(1).atMillis()).isGreaterThanOrEqualTo(path.get(0).nextAttemptAtMillis());
                }
                case 4 -> {
                    int parkedAt = outcomes.indexOf(Outcome.PARKED);
                    assertThat(parkedAt).as(id).isPositive();
                    assertThat(outcomes.subList(0, parkedAt)).containsOnly(Outcome.RETRYING);
                    assertThat(outcomes.subList(parkedAt + 1, outcomes.size())).containsExactly(Outcome.DELIVERED);
                    assertThat(path.get(parkedAt).code()).isEqualTo("http_500");
                    assertThat(path.get(parkedAt + 1).atMillis()).isGreaterThanOrEqualTo(
                            path.get(parkedAt).nextAttemptAtMillis());
                }
                default -> assertThat(outcomes).as(id).containsExactly(Outcome.DELIVERED);
            }
            for (int k = 0; k < path.size(); k++) {
                Step s = path.get(k);
                assertThat(s.event().attempts()).as(id + " attempt numbers count up").isEqualTo(k + 1);
                assertThat(s.event().projectId()).isEqualTo(ids.get(id));
                assertThat(s.event().type()).isNotBlank();
                assertThat(s.atMillis() - s.event().timestampMillis()).as(id + " latency").isNotNegative()
                        .isLessThanOrEqualTo(end - s.event().timestampMillis());
                assertThat(s.atMillis()).isBetween(start, end);
            }
            assertThat(path.get(path.size() - 1).event().attempts()).as(id + " calls")
                    .isEqualTo(sink.attempts.get(value(i)).get());
        }
        assertThat(entries).allSatisfy(x -> assertThat(x.sink()).isEqualTo("sink-fake"));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topics.deliveries());
            Config c = admin.describeConfigs(List.of(r)).all().get(10, TimeUnit.SECONDS).get(r);
            assertThat(c.get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(c.get("retention.ms").value()).isEqualTo(Long.toString(Duration.ofHours(48).toMillis()));
        }
    }

    private static String value(int i) {
        return "{\"i\":" + i + "}";
    }

    private static double counter(io.micrometer.core.instrument.MeterRegistry registry, String name, String group) {
        io.micrometer.core.instrument.Counter c = registry.find(name).tag("group", group).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aLogTopicThatRefusesEveryWriteStopsNeitherDeliveryNorCommits() throws Exception {
        // the broker refuses every entry: the topic takes no message over 64 bytes
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topics.deliveries(), 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "64")))).all().get(10, TimeUnit.SECONDS);
        }
        TypedEventWriter.write(bootstrap, topics, 300, (i, t, id, p) -> value(i), "p1");
        FakeSink sink = new FakeSink(new BatchLimits(50, 1_000_000, 1000, Duration.ofMillis(20)),
                (r, n) -> index(r) % 10 == 1 ? Delivery.permanentFailure("http_400", "refused") : Delivery.delivered());
        SinkConfig config = config(Map.of());
        try (SinkService service = SinkService.start(config, sink, null)) {
            SinkTestTopics.awaitCommitted(config.groupId(), topics, 300, 100);
            await().atMost(30, TimeUnit.SECONDS).until(() ->
                    counter(service.registry(), "sluice.sink.delivery.log.errors", config.groupId()) > 0);
            assertThat(counter(service.registry(), "sluice.sink.delivery.log.entries", config.groupId())).isZero();
        }
        assertThat(sink.delivered).hasSize(270).doesNotHaveDuplicates();
        assertThat(TopicProbe.count(bootstrap, config.dlqTopic())).isEqualTo(30);
        assertThat(TopicProbe.count(bootstrap, topics.deliveries())).isZero();
    }

    @Test
    void aLogProducerThatCannotReachKafkaStopsNeitherDeliveryNorCommits() throws Exception {
        TypedEventWriter.write(bootstrap, topics, 300, (i, t, id, p) -> value(i), "p1");
        SinkConfig config = config(Map.of());
        new TopicCreator(bootstrap, 2, 1).ensure(List.of(config.retryTopic(), config.dlqTopic()), Duration.ofSeconds(10));
        FakeSink sink = new FakeSink(new BatchLimits(50, 1_000_000, 1000, Duration.ofMillis(20)),
                (r, n) -> index(r) % 10 == 1 ? Delivery.permanentFailure("http_400", "refused") : Delivery.delivered());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // nothing listens on port 1: the log's producer never gets metadata and each send waits out max.block.ms
        DeliveryLog dead = new DeliveryLog(DeliveryLog.producer("127.0.0.1:1", "dead-log"), config.deliveriesTopic(),
                config.sinkName(), config.groupId(), registry, Clock.systemUTC(), DeliveryLog.MAX_ENTRY_BYTES);
        SinkRunner runner = new SinkRunner(config, sink, registry, null, Clock.systemUTC(), null,
                RecordParker.producer(bootstrap, "parker"), dead, null);
        Thread loop = new Thread(runner, "dead-log-loop");
        loop.start();
        try {
            SinkTestTopics.awaitCommitted(config.groupId(), topics, 300, 100);
            assertThat(sink.delivered).hasSize(270).doesNotHaveDuplicates();
            await().atMost(60, TimeUnit.SECONDS).until(() ->
                    counter(registry, "sluice.sink.delivery.log.errors", config.groupId()) > 0);
            assertThat(counter(registry, "sluice.sink.delivery.log.entries", config.groupId())).isZero();
        } finally {
            runner.stop(Duration.ofSeconds(30));
        }
        // stop() returns once the loop says it stopped; the thread ends right after
        loop.join(10_000);
        assertThat(loop.isAlive()).isFalse();
        assertThat(TopicProbe.count(bootstrap, config.dlqTopic())).isEqualTo(30);
        assertThat(TopicProbe.count(bootstrap, topics.deliveries())).isZero();
    }

    @Test
    void aReplayLogsUnderItsOwnGroupWithTheDeadLetteredEventsIds() throws Exception {
        Map<String, String> ids = TypedEventWriter.write(bootstrap, topics, 30, (i, t, id, p) -> value(i), "p1");
        FakeSink refusing = new FakeSink(new BatchLimits(50, 1_000_000, 1000, Duration.ofMillis(20)),
                (r, n) -> index(r) % 3 == 0 ? Delivery.permanentFailure("http_400", "refused") : Delivery.delivered());
        SinkConfig config = config(Map.of());
        try (SinkService live = SinkService.start(config, refusing, null)) {
            SinkTestTopics.awaitCommitted(config.groupId(), topics, 30, 100);
        }
        FakeSink fixed = new FakeSink((v, n) -> Delivery.delivered());
        ReplayRange range = ReplayRange.parse(new String[] {"replay", config.dlqTopic()}, config);
        try (SinkService replay = SinkService.start(config, fixed, range)) {
            assertThat(replay.awaitReplay(Duration.ofSeconds(30))).isTrue();
        }

        List<DeliveryLogEntry> entries = DeliveryLogProbe.read(bootstrap, topics.deliveries());
        Map<String, List<Step>> live = DeliveryLogProbe.paths(entries, config.groupId());
        Map<String, List<Step>> replayed = DeliveryLogProbe.paths(entries, range.groupId());
        assertThat(live.keySet()).containsExactlyInAnyOrderElementsOf(ids.keySet());
        List<String> refused = ids.keySet().stream().filter(id -> Integer.parseInt(id.substring(id.lastIndexOf('-') + 1))
                % 3 == 0).toList();
        assertThat(replayed.keySet()).containsExactlyInAnyOrderElementsOf(refused);
        for (String id : refused) {
            assertThat(DeliveryLogProbe.outcomes(live.get(id))).containsExactly(Outcome.DEAD_LETTERED);
            assertThat(DeliveryLogProbe.outcomes(replayed.get(id))).containsExactly(Outcome.DELIVERED);
            assertThat(replayed.get(id).get(0).event().projectId()).isEqualTo("p1");
            assertThat(replayed.get(id).get(0).event().timestampMillis())
                    .isEqualTo(live.get(id).get(0).event().timestampMillis());
        }
    }
}
