package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.Topics;
import dev.sluice.runtime.TopicCreator;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import dev.sluice.testsupport.UniqueTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The runtime's retry, park, DLQ and commit rules, with a scripted sink on the real broker. */
class SinkRunnerTest {


    private final Topics topics = UniqueTopics.next("s");
    private final String source = topics.events(dev.sluice.model.EventType.TRACK);

    private SinkConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "SLUICE_TOPIC_PREFIX", topics.prefix(),
                "SLUICE_SINK_TOPICS", source,
                "SLUICE_TOPIC_PARTITIONS", "2",
                "SLUICE_SINK_BACKOFF_BASE", "PT0.01S",
                "SLUICE_SINK_BACKOFF_MAX", "PT0.05S",
                "SLUICE_SINK_RETRY_BASE", "PT0.5S",
                "SLUICE_SINK_RETRY_MAX_DELAY", "PT1S",
                "SLUICE_SINK_PARK_AFTER", "PT0.3S",
                "SLUICE_ADMIN_PORT", "0"));
        env.putAll(extra);
        return SinkConfig.fromEnv(env, "sink-fake", 0);
    }

    private List<String> produce(int n, String prefix) throws Exception {
        new TopicCreator(SharedKafka.bootstrapServers(), 2, 1).ensure(List.of(source), Duration.ofSeconds(10));
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String v = prefix + i;
                values.add(v);
                // both partitions get records whatever the keys hash to (two instances each need work)
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(source, i % 2, "project-" + (i % 3),
                        v.getBytes(StandardCharsets.UTF_8));
                EventHeaders.put(r.headers(), EventHeaders.TYPE, "track");
                if (i < 2) {
                    // one acknowledged write per new partition before the rest: a partition whose leader is
                    // still settling can answer NOT_LEADER to several in-flight batches, which the idempotent
                    // producer then retries out of sequence, forever
                    p.send(r).get();
                } else {
                    p.send(r);
                }
            }
        }
        return values;
    }

    private static long committed(String group, String topic) {
        return TopicProbe.committed(SharedKafka.bootstrapServers(), group, List.of(topic));
    }

    @Test
    void deliversEverythingOnceAndCommitsToTheEnd() throws Exception {
        List<String> values = produce(1000, "v");
        FakeSink sink = new FakeSink((v, n) -> Delivery.delivered());
        SinkConfig config = config(Map.of());
        try (SinkService service = SinkService.start(config, sink, null)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> sink.delivered.size() >= 1000);
            await().atMost(30, TimeUnit.SECONDS).until(() -> committed(config.groupId(), source) == 1000);
        }
        assertThat(sink.delivered).containsExactlyInAnyOrderElementsOf(values);
        assertThat(sink.batches).allSatisfy(b -> assertThat(b.size()).isLessThanOrEqualTo(50));
    }

    @Test
    void twoCallsRunAtOnceOnePerPartitionAndEachPartitionArrivesInOrder() throws Exception {
        List<String> values = produce(1000, "c");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch twoAtOnce = new CountDownLatch(2);
        FakeSink sink = new FakeSink((v, n) -> Delivery.delivered(),
                new BatchLimits(50, 1_000_000, 1000, Duration.ofMillis(20))) {
            @Override
            public List<Delivery> deliver(List<SinkRecord> batch, java.time.Instant deadline) {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    // the first calls wait (a while at most) for a second one to be running beside them
                    twoAtOnce.countDown();
                    twoAtOnce.await(10, TimeUnit.SECONDS);
                    return super.deliver(batch, deadline);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    running.decrementAndGet();
                }
            }
        };
        sink.maxCalls = 4;
        SinkConfig config = config(Map.of());
        try (SinkService service = SinkService.start(config, sink, null)) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> committed(config.groupId(), source) == 1000);
        }
        assertThat(mostAtOnce.get()).as("calls at once: one per partition, two partitions").isEqualTo(2);
        assertThat(sink.delivered).containsExactlyInAnyOrderElementsOf(values);
        for (int partition = 0; partition < 2; partition++) {
            int p = partition;
            List<Integer> arrived = sink.delivered.stream().map(v -> Integer.parseInt(v.substring(1)))
                    .filter(i -> i % 2 == p).toList();
            assertThat(arrived).as("partition %d in offset order", p).isSorted();
        }
    }

    @Test
    void transientFailuresAreRetriedInPlaceResendingOnlyWhatFailed() throws Exception {
        List<String> values = produce(200, "t");
        // every 10th value fails twice, then succeeds well within the park time: no parking
        FakeSink sink = new FakeSink((v, n) -> Integer.parseInt(v.substring(1)) % 10 == 0 && n <= 2
                ? Delivery.transientFailure("http_503", "unavailable") : Delivery.delivered());
        SinkConfig config = config(Map.of());
        try (SinkService service = SinkService.start(config, sink, null)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> committed(config.groupId(), source) == 200);
            String metrics = service.registry().scrape();
            assertThat(metrics).contains("sluice_sink_records_total{group=\"" + config.groupId() + "\",outcome=\"retried\"");
        }
        assertThat(sink.delivered).containsExactlyInAnyOrderElementsOf(values);
        values.forEach(v -> assertThat(sink.attempts.get(v).get())
                .isEqualTo(Integer.parseInt(v.substring(1)) % 10 == 0 ? 3 : 1));
        assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), config.retryTopic())).isZero();
        assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), config.dlqTopic())).isZero();
    }

    @Test
    void aRecordFailingPastTheParkTimeIsParkedThenGetsTheSameInPlaceTreatmentFromTheRetryTopic() throws Exception {
        produce(20, "p");
        // p7 fails until it has been parked twice: each time it keeps failing in place for the park time
        // (0.3 s here), is parked, comes back from the retry topic and is retried in place again
        FakeSink sink = new FakeSink(new BatchLimits(50, 1_000_000, 1000, Duration.ofMillis(20)), (r, n) -> {
            String parkings = EventHeaders.text(r.headers(), RetryHeaders.PARKINGS);
            boolean failing = new String(r.value(), StandardCharsets.UTF_8).equals("p7")
                    && (parkings == null || Integer.parseInt(parkings) < 2);
            return failing ? Delivery.transientFailure("http_500", "boom") : Delivery.delivered();
        });
        SinkConfig config = config(Map.of());
        try (SinkService service = SinkService.start(config, sink, null)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> sink.delivered.contains("p7"));
            await().atMost(30, TimeUnit.SECONDS).until(() -> committed(config.groupId(), source) == 20);
        }
        assertThat(sink.delivered).hasSize(20).doesNotHaveDuplicates();
        List<ConsumerRecord<String, byte[]>> parked = TopicProbe.read(SharedKafka.bootstrapServers(),
                config.retryTopic(), 2, Duration.ofSeconds(10));
        assertThat(parked).hasSize(2);
        assertThat(new String(parked.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("p7");
        assertThat(FailureHeaders.text(parked.get(0).headers(), FailureHeaders.CODE)).isEqualTo("http_500");
        int firstRound = Integer.parseInt(FailureHeaders.text(parked.get(0).headers(), FailureHeaders.ATTEMPTS));
        int secondRound = Integer.parseInt(FailureHeaders.text(parked.get(1).headers(), FailureHeaders.ATTEMPTS));
        // several attempts in place before each parking, not one
        assertThat(firstRound).isGreaterThan(1);
        assertThat(secondRound).isGreaterThan(firstRound + 1);
        assertThat(sink.attempts.get("p7").get()).isEqualTo(secondRound + 1);
        assertThat(FailureHeaders.text(parked.get(1).headers(), RetryHeaders.PARKINGS)).isEqualTo("2");
        assertThat(FailureHeaders.text(parked.get(1).headers(), RetryHeaders.ORIGIN_TOPIC)).isEqualTo(source);
        assertThat(FailureHeaders.text(parked.get(0).headers(), EventHeaders.TYPE)).isEqualTo("track");
        assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), config.dlqTopic())).isZero();
    }

    @Test
    void permanentFailuresTooLargeRecordsAndExpiredRetriesGoToTheDlqWithReasons() throws Exception {
        produce(30, "d");
        FakeSink sink = new FakeSink((v, n) -> switch (v) {
            case "d3" -> Delivery.permanentFailure("http_400", "bad event");
            case "d4" -> Delivery.transientFailure("http_503", "down for good");
            default -> Delivery.delivered();
        }, new BatchLimits(50, 1_000_000, 2, Duration.ofMillis(20)));
        // d10..d29 are 3 bytes: over this sink's 2-byte record limit
        SinkConfig config = config(Map.of("SLUICE_SINK_MAX_AGE", "PT1S"));
        try (SinkService service = SinkService.start(config, sink, null)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> committed(config.groupId(), source) == 30);
            // d4 is parked first, and dead-lettered once it has failed for longer than the max age
            await().atMost(30, TimeUnit.SECONDS).until(
                    () -> TopicProbe.count(SharedKafka.bootstrapServers(), config.dlqTopic()) == 22);
        }
        List<ConsumerRecord<String, byte[]>> dead = TopicProbe.read(SharedKafka.bootstrapServers(), config.dlqTopic(),
                22, Duration.ofSeconds(10), Duration.ofMillis(300));
        Map<String, String> codeByValue = new HashMap<>();
        dead.forEach(r -> codeByValue.put(new String(r.value(), StandardCharsets.UTF_8),
                FailureHeaders.text(r.headers(), FailureHeaders.CODE)));
        assertThat(codeByValue).hasSize(22).containsEntry("d3", "http_400").containsEntry("d4", "http_503");
        IntStream.range(10, 30).forEach(i -> assertThat(codeByValue).containsEntry("d" + i, "record_too_large"));
        ConsumerRecord<String, byte[]> d3 = dead.stream().filter(r -> new String(r.value()).equals("d3")).findFirst()
                .orElseThrow();
        assertThat(FailureHeaders.text(d3.headers(), FailureHeaders.REASON)).isEqualTo("bad event");
        assertThat(FailureHeaders.text(d3.headers(), FailureHeaders.STAGE)).isEqualTo("sink-fake");
        assertThat(d3.key()).isEqualTo("project-0");
        assertThat(sink.attempts).doesNotContainKey("d15");
        assertThat(sink.delivered).hasSize(8);
    }

    @Test
    void replayDeliversADlqRangeUnderItsOwnGroupAndStops() throws Exception {
        produce(10, "r");
        FakeSink failing = new FakeSink((v, n) -> Delivery.permanentFailure("http_400", "rejected"));
        SinkConfig config = config(Map.of());
        try (SinkService live = SinkService.start(config, failing, null)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> committed(config.groupId(), source) == 10);
        }
        assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), config.dlqTopic())).isEqualTo(10);

        FakeSink fixed = new FakeSink((v, n) -> Delivery.delivered());
        ReplayRange range = ReplayRange.parse(new String[] {"replay", config.dlqTopic(), "earliest", "latest"},
                config);
        try (SinkService replay = SinkService.start(config, fixed, range)) {
            assertThat(replay.awaitReplay(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(fixed.delivered).hasSize(10).doesNotHaveDuplicates();
        assertThat(committed(range.groupId(), config.dlqTopic())).isEqualTo(10);
        assertThat(committed(config.groupId(), config.dlqTopic())).isZero();
    }

    @Test
    void twoGroupsOfOneSinkEachGetEveryEventAndOnlyTheirOwnRetriesAndDlq() throws Exception {
        List<String> values = produce(300, "g");
        // group A's destination fails every 7th event until it has been parked once, and refuses every 50th
        FakeSink a = new FakeSink(new BatchLimits(50, 1_000_000, 1000, Duration.ofMillis(20)), (r, n) -> {
            int i = Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8).substring(1));
            if (i % 50 == 3) {
                return Delivery.permanentFailure("http_400", "A refuses it");
            }
            return i % 7 == 0 && EventHeaders.text(r.headers(), RetryHeaders.PARKINGS) == null
                    ? Delivery.transientFailure("http_503", "A is struggling") : Delivery.delivered();
        });
        FakeSink b = new FakeSink((v, n) -> Delivery.delivered());
        SinkConfig configA = config(Map.of("SLUICE_SINK_GROUP_ID", "group-a"));
        SinkConfig configB = config(Map.of("SLUICE_SINK_GROUP_ID", "group-b"));
        assertThat(configA.retryTopic()).isEqualTo(topics.prefix() + "retry.sink-fake.group-a");
        assertThat(configB.dlqTopic()).isEqualTo(topics.prefix() + "dlq.sink-fake.group-b");
        try (SinkService serviceA = SinkService.start(configA, a, null);
             SinkService serviceB = SinkService.start(configB, b, null)) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> committed("group-a", source) == 300
                    && committed("group-b", source) == 300 && a.delivered.size() == 294);
            Thread.sleep(500); // room for a stray delivery of A's retries to B, should there be one
        }
        assertThat(b.delivered).hasSize(300).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(values);
        assertThat(a.delivered).hasSize(294).doesNotHaveDuplicates();
        String bootstrap = SharedKafka.bootstrapServers();
        assertThat(TopicProbe.count(bootstrap, configA.retryTopic())).isEqualTo(42); // 0, 7, … 294 but 203, refused
        assertThat(TopicProbe.count(bootstrap, configA.dlqTopic())).isEqualTo(6);
        assertThat(TopicProbe.count(bootstrap, configB.retryTopic())).isZero();
        assertThat(TopicProbe.count(bootstrap, configB.dlqTopic())).isZero();
        assertThat(TopicProbe.count(bootstrap, topics.retry("sink-fake"))).isZero();

        // group A's DLQ replayed for group A after a fix: only its six records, B untouched
        FakeSink fixedA = new FakeSink((v, n) -> Delivery.delivered());
        ReplayRange range = ReplayRange.parse(new String[] {"replay", configA.dlqTopic()}, configA);
        assertThat(range.forGroup()).isEqualTo("group-a");
        try (SinkService replay = SinkService.start(configA, fixedA, range)) {
            assertThat(replay.awaitReplay(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(fixedA.delivered).containsExactlyInAnyOrder("g3", "g53", "g103", "g153", "g203", "g253");
        assertThat(committed("group-b", configA.dlqTopic())).isZero();
        // and group B may not replay group A's DLQ by mistake
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> ReplayRange.parse(new String[] {"replay", configA.dlqTopic()}, configB))
                .hasMessageContaining("another consumer group").hasMessageContaining("group-b");
    }

    @Test
    void twentyPercentRandomPerRecordFailuresAreAllDeliveredAndNoneParked() throws Exception {
        List<String> values = produce(2000, "r");
        java.util.Random random = new java.util.Random(20);
        FakeSink sink = new FakeSink((v, n) -> {
            synchronized (random) {
                return random.nextDouble() < 0.2 ? Delivery.transientFailure("ServiceUnavailableException",
                        "Slow down.") : Delivery.delivered();
            }
        });
        // the default park time (a minute)
        Map<String, String> defaults = new HashMap<>(Map.of("SLUICE_SINK_BACKOFF_BASE", "PT0.2S",
                "SLUICE_SINK_BACKOFF_MAX", "PT1S", "SLUICE_SINK_RETRY_BASE", "PT30S",
                "SLUICE_SINK_RETRY_MAX_DELAY", "PT30M"));
        SinkConfig config = SinkConfig.fromEnv(withoutParkAfter(defaults), "sink-fake", 0);
        assertThat(config.retry().parkAfter()).isEqualTo(Duration.ofMinutes(1));
        try (SinkService service = SinkService.start(config, sink, null)) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> committed(config.groupId(), source) == 2000);
            assertThat(service.registry().scrape()).doesNotContain("outcome=\"parked\"");
        }
        assertThat(sink.delivered).containsExactlyInAnyOrderElementsOf(values);
        assertThat(sink.attempts.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum())
                .isGreaterThan(2300); // failures did happen: ~2,500 attempts for 2,000 records
        assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), config.retryTopic())).isZero();
        assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), config.dlqTopic())).isZero();
    }

    private Map<String, String> withoutParkAfter(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "SLUICE_TOPIC_PREFIX", topics.prefix(),
                "SLUICE_SINK_TOPICS", source,
                "SLUICE_TOPIC_PARTITIONS", "2",
                "SLUICE_ADMIN_PORT", "0"));
        env.putAll(overrides);
        return env;
    }

    @Test
    void replayOfATimeRangeDeliversExactlyThatRange() throws Exception {
        produce(6, "before");
        Thread.sleep(50);
        java.time.Instant from = java.time.Instant.now();
        Thread.sleep(50);
        List<String> inRange = produce(6, "inside");
        Thread.sleep(50);
        java.time.Instant to = java.time.Instant.now();
        Thread.sleep(50);
        produce(6, "after");
        FakeSink sink = new FakeSink((v, n) -> Delivery.delivered());
        ReplayRange range = ReplayRange.parse(new String[] {"replay", source, from.toString(), to.toString(),
                "range-replay"}, config(Map.of()));
        try (SinkService replay = SinkService.start(config(Map.of()), sink, range)) {
            assertThat(replay.awaitReplay(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(sink.delivered).containsExactlyInAnyOrderElementsOf(inRange);
    }

    @Test
    void aNewGroupCanStartFromAnInstant() throws Exception {
        produce(5, "old");
        Thread.sleep(50);
        java.time.Instant cut = java.time.Instant.now();
        Thread.sleep(50);
        produce(5, "new");
        FakeSink sink = new FakeSink((v, n) -> Delivery.delivered());
        SinkConfig config = config(Map.of("SLUICE_SINK_START_FROM", cut.toString()));
        try (SinkService service = SinkService.start(config, sink, null)) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> sink.delivered.size() >= 5);
            Thread.sleep(300);
        }
        assertThat(sink.delivered).allSatisfy(v -> assertThat(v).startsWith("new")).hasSize(5);
    }

    @Test
    void aSecondInstanceJoinsMidStreamAndTakesOverWhenTheFirstStopsCleanly() throws Exception {
        List<String> first = produce(400, "a");
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // slow deliveries so the joins and the stop happen mid-stream
        FakeSink one = new FakeSink((v, n) -> {
            pause(10);
            seen.add(v);
            return Delivery.delivered();
        });
        FakeSink two = new FakeSink((v, n) -> {
            pause(10);
            seen.add(v);
            return Delivery.delivered();
        });
        SinkConfig config = config(Map.of("SLUICE_SINK_SESSION_TIMEOUT", "PT6S"));
        SinkService a = SinkService.start(config, one, null);
        try {
            await().atMost(30, TimeUnit.SECONDS).until(() -> one.delivered.size() >= 20);
            try (SinkService b = SinkService.start(config, two, null)) {
                // the group rebalances around the running instance
                await().atMost(30, TimeUnit.SECONDS).until(() -> seen.size() >= 200);
                a.close(); // a clean stop mid-stream: settled offsets committed, the rest handed to b
                List<String> second = produce(200, "b");
                await().atMost(60, TimeUnit.SECONDS).until(() -> committed(config.groupId(), source) == 600);
                assertThat(seen).containsAll(first).containsAll(second);
                assertThat(two.delivered).isNotEmpty();
            }
        } finally {
            a.close();
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
