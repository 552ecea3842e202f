package dev.sluice.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.FailureHeaders;
import dev.sluice.model.Topics;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.ReplayRange;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkRecord;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The real AWS SDK client and the real sink against a Firehose stand-in on loopback, on the real broker. */
class FirehoseSinkTest {

    static Map<String, String> env(Topics topics, FirehoseStandIn firehose, Map<String, String> extra) {
        Map<String, String> env = SinkTestTopics.env(topics, Map.of(
                "SLUICE_FIREHOSE_ENDPOINT", firehose.endpoint(),
                "SLUICE_FIREHOSE_STREAMS", "project-a=stream-a,project-b=stream-b",
                "SLUICE_FIREHOSE_DEFAULT_STREAM", "stream-default",
                "AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "SLUICE_SINK_RETRY_MAX_DELAY", "PT4S"));
        env.putAll(extra);
        return env;
    }

    static SinkService start(Map<String, String> env, ReplayRange replay) {
        FirehoseConfig config = FirehoseConfig.fromEnv(env);
        return SinkService.start(SinkConfig.fromEnv(env, "sink-firehose", 0),
                new FirehoseSink(config, FirehoseSink.client(config)), replay);
    }

    @Test
    void everyEventIsANewlineTerminatedRecordInItsProjectsStream() throws Exception {
        Topics topics = TypedEvents.newTopics();
        Map<String, String> projectById = TypedEvents.write(topics, 1500, "project-a", "project-b", "project-c");
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default");
             SinkService sink = start(env(topics, firehose, Map.of()), null)) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-firehose", topics) == 1500);

            assertThat(firehose.accepted).hasSize(1500).allSatisfy(a -> assertThat(a.data()).endsWith("\n"));
            Map<String, String> streamById = firehose.accepted.stream().collect(Collectors.toMap(
                    a -> TypedEvents.messageId(a.data()), FirehoseStandIn.Accepted::stream));
            assertThat(streamById.keySet()).isEqualTo(projectById.keySet());
            projectById.forEach((id, project) -> assertThat(streamById.get(id)).isEqualTo(switch (project) {
                case "project-a" -> "stream-a";
                case "project-b" -> "stream-b";
                default -> "stream-default";
            }));
            assertThat(sink.registry().scrape()).contains("sluice_sink_records_total{group=\"sluice-sink-firehose\","
                    + "outcome=\"delivered\",project=\"project-a\",sink=\"sink-firehose\"} 500.0", "sluice_sink_delivery_latency_seconds");
        }
    }

    @Test
    void partialFailuresAndAThirtySecondOutageLoseNothing() throws Exception {
        Topics topics = TypedEvents.newTopics();
        Map<String, String> projectById = TypedEvents.write(topics, 3000, "project-a", "project-b");
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default")) {
            firehose.partialFailureRate = 0.10;
            firehose.delayMillis = 20;
            // an outage longer than the park time: records are parked, and come back when due
            Map<String, String> env = env(topics, firehose, Map.of("SLUICE_SINK_LINGER", "PT0.05S",
                    "SLUICE_SINK_PARK_AFTER", "PT10S"));
            try (SinkService sink = start(env, null)) {
                await().atMost(60, TimeUnit.SECONDS).until(() -> firehose.accepted.size() >= 600);
                firehose.down = true;
                Thread.sleep(30_000);
                firehose.down = false;
                await().atMost(120, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-firehose", topics) == 3000);
                await().atMost(120, TimeUnit.SECONDS).until(() -> firehose.events().stream()
                        .map(TypedEvents::messageId).collect(Collectors.toSet()).containsAll(projectById.keySet()));
                String metrics = sink.registry().scrape();
                assertThat(metrics).contains("outcome=\"retried\"", "outcome=\"parked\"");
            }
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), topics.dlq("sink-firehose"))).isZero();
        }
    }

    @Test
    void unknownStreamGoesToTheDlqWithItsReasonAndAReplayAfterTheFixDeliversIt() throws Exception {
        Topics topics = TypedEvents.newTopics();
        Map<String, String> projectById = TypedEvents.write(topics, 60, "project-a", "project-x");
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a")) {
            Map<String, String> env = env(topics, firehose, Map.of("SLUICE_FIREHOSE_STREAMS",
                    "project-a=stream-a,project-x=stream-x", "SLUICE_FIREHOSE_DEFAULT_STREAM", ""));
            try (SinkService sink = start(env, null)) {
                await().atMost(60, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-firehose", topics) == 60);
            }
            List<ConsumerRecord<String, byte[]>> dead = TopicProbe.read(SharedKafka.bootstrapServers(),
                    topics.dlq("sink-firehose"), 30, Duration.ofSeconds(10), Duration.ofMillis(300));
            assertThat(dead).hasSize(30).allSatisfy(r -> {
                assertThat(r.key()).isEqualTo("project-x");
                assertThat(FailureHeaders.text(r.headers(), FailureHeaders.CODE)).isEqualTo("ResourceNotFoundException");
                assertThat(FailureHeaders.text(r.headers(), FailureHeaders.REASON)).contains("stream-x", "not found");
                assertThat(FailureHeaders.text(r.headers(), FailureHeaders.STAGE)).isEqualTo("sink-firehose");
            });
            assertThat(firehose.accepted).hasSize(30);

            firehose.knownStreams.add("stream-x");
            try (SinkService replay = start(env, ReplayRange.parse(
                    new String[] {"replay", topics.dlq("sink-firehose")}, SinkConfig.fromEnv(env, "sink-firehose", 0)))) {
                assertThat(replay.awaitReplay(Duration.ofSeconds(60))).isTrue();
            }
            Set<String> delivered = firehose.events().stream().map(TypedEvents::messageId).collect(Collectors.toSet());
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(projectById.keySet());
            assertThat(firehose.accepted.stream().filter(a -> a.stream().equals("stream-x"))).hasSize(30);
        }
    }

    @Test
    void expiredCredentialsForTwentySecondsLoseAndDeadLetterNothing() throws Exception {
        Topics topics = TypedEvents.newTopics();
        Map<String, String> projectById = TypedEvents.write(topics, 200, "project-a");
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-default")) {
            firehose.expiredCredentialsUntilMillis = System.currentTimeMillis() + 20_000;
            Map<String, String> env = env(topics, firehose, Map.of());
            FirehoseConfig config = FirehoseConfig.fromEnv(env);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (SinkService sink = SinkService.start(SinkConfig.fromEnv(env, "sink-firehose", 0),
                    new FirehoseSink(config, FirehoseSink.client(config), registry), null, registry)) {
                await().atMost(90, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-firehose", topics) == 200);
                assertThat(registry.scrape()).contains("sluice_firehose_credential_errors_total{code=\"ExpiredTokenException\"}");
            }
            assertThat(firehose.events().stream().map(TypedEvents::messageId).collect(Collectors.toSet()))
                    .isEqualTo(projectById.keySet());
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), topics.dlq("sink-firehose"))).isZero();
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), topics.retry("sink-firehose"))).isZero();
        }
    }

    @Test
    void throttlingAndWholeCallFailuresAreRetried() throws Exception {
        Topics topics = TypedEvents.newTopics();
        Map<String, String> projectById = TypedEvents.write(topics, 200, "project-a");
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-default")) {
            firehose.throttleNextCalls = 2;
            firehose.failNextCalls = 2;
            firehose.failStatus = 500;
            try (SinkService sink = start(env(topics, firehose, Map.of()), null)) {
                await().atMost(60, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-firehose", topics) == 200);
                assertThat(sink.registry().scrape()).contains("outcome=\"retried\"");
            }
            assertThat(firehose.events().stream().map(TypedEvents::messageId).collect(Collectors.toSet()))
                    .isEqualTo(projectById.keySet());
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), topics.dlq("sink-firehose"))).isZero();
        }
    }

    @Test
    void twentyPercentPartialFailuresAreAllDeliveredPromptlyAndNoneParked() throws Exception {
        Topics topics = TypedEvents.newTopics();
        Map<String, String> projectById = TypedEvents.write(topics, 3000, "project-a", "project-b");
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default")) {
            firehose.partialFailureRate = 0.2;
            // the runtime's defaults: 200 ms … 5 s in place, parked only after a minute of failing
            Map<String, String> env = env(topics, firehose, Map.of());
            env.remove("SLUICE_SINK_BACKOFF_BASE");
            env.remove("SLUICE_SINK_BACKOFF_MAX");
            try (SinkService sink = start(env, null)) {
                await().atMost(60, TimeUnit.SECONDS).until(
                        () -> SinkTestTopics.committed("sluice-sink-firehose", topics) == 3000);
                assertThat(sink.registry().scrape()).contains("outcome=\"retried\"")
                        .doesNotContain("outcome=\"parked\"");
            }
            assertThat(firehose.events().stream().map(TypedEvents::messageId).collect(Collectors.toSet()))
                    .isEqualTo(projectById.keySet());
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), topics.retry("sink-firehose"))).isZero();
            assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), topics.dlq("sink-firehose"))).isZero();
        }
    }

    @Test
    void aCallReturnsByItsDeadlineWhenFirehoseIsSlowLeavingTheEventsToRetry() throws Exception {
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default")) {
            firehose.delayMillis = 5000;
            FirehoseConfig config = FirehoseConfig.fromEnv(env(TypedEvents.newTopics(), firehose, Map.of()));
            try (FirehoseSink delivery = new FirehoseSink(config, FirehoseSink.client(config))) {
                List<SinkRecord> batch = List.of(
                        new SinkRecord("project-a", "track", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 0,
                                new RecordHeaders()),
                        new SinkRecord("project-b", "track", "{\"b\":1}".getBytes(StandardCharsets.UTF_8), 0,
                                new RecordHeaders()));
                long t0 = System.nanoTime();
                List<Delivery> results = delivery.deliver(batch, java.time.Instant.now().plusMillis(500));
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                // back before the stand-in answered the first stream's call; both events left to retry
                assertThat(tookMs).isLessThan(4000);
                assertThat(results).extracting(Delivery::outcome).containsOnly(Delivery.Outcome.TRANSIENT).hasSize(2);
            }
        }
    }

    @Test
    void packingPutsSeveralEventsInOneRecord() throws Exception {
        Topics topics = TypedEvents.newTopics();
        Map<String, String> projectById = TypedEvents.write(topics, 300, "project-a");
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-default");
             SinkService sink = start(env(topics, firehose, Map.of("SLUICE_FIREHOSE_PACK_BYTES", "4000")), null)) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-firehose", topics) == 300);
            assertThat(firehose.accepted.size()).isLessThan(300 / 10);
            assertThat(firehose.accepted).allSatisfy(a -> assertThat(a.data().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(4000));
            assertThat(firehose.events()).hasSize(300);
            assertThat(firehose.events().stream().map(TypedEvents::messageId).collect(Collectors.toSet()))
                    .isEqualTo(projectById.keySet());
        }
    }
}
