package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.DeliveryLogEntry.Event;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import dev.sluice.model.EventHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What Settlement tells the delivery log, on MockProducers and a hand-moved clock: one entry per outcome and
 * reason, at the moment it happened, park and DLQ writes only once Kafka acknowledged them.
 */
class SettlementLogTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final RetryPolicy POLICY = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMillis(200),
            Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofHours(24));

    private final MutableClock clock = new MutableClock(T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MockProducer<String, byte[]> parkerProducer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final MockProducer<String, byte[]> logProducer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final DeliveryLog log = new DeliveryLog(logProducer, "t.deliveries", "sink-fake", "grp", registry, clock,
            DeliveryLog.MAX_ENTRY_BYTES);
    private final Settlement settlement = new Settlement(new RetryRules(POLICY, new SplittableRandom(1)),
            new RecordParker(parkerProducer, clock, "t.retry.sink-fake", "t.dlq.sink-fake", "sink-fake"),
            new SinkMetrics(registry, "sink-fake", "grp", clock), clock, "sink-fake", log);

    private static PendingRecord record(int offset, boolean headers) {
        RecordHeaders h = new RecordHeaders();
        if (headers) {
            EventHeaders.put(h, EventHeaders.MESSAGE_ID, "m" + offset);
            EventHeaders.put(h, EventHeaders.TYPE, "track");
        }
        return new PendingRecord(new ConsumerRecord<>("t.events.track", 0, offset, T0.toEpochMilli() - 1000 + offset,
                TimestampType.CREATE_TIME, -1, -1, "proj-" + offset, ("v" + offset).getBytes(StandardCharsets.UTF_8),
                h, Optional.empty()), false, T0.toEpochMilli());
    }

    private List<DeliveryLogEntry> logged() {
        log.close();
        return logProducer.history().stream().peek(r -> {
            assertThat(r.topic()).isEqualTo("t.deliveries");
            assertThat(r.key()).isEqualTo("grp");
        }).map(ProducerRecord::value).map(DeliveryLogEntry::parse).toList();
    }

    private static Map<Outcome, DeliveryLogEntry> byOutcome(List<DeliveryLogEntry> entries) {
        return entries.stream().collect(Collectors.toMap(DeliveryLogEntry::outcome, e -> e));
    }

    @Test
    void everyOutcomeOfABatchIsLoggedOnceWithItsCodeReasonAndDueTime() {
        PendingRecord parkedLater = record(5, true);
        parkedLater.firstFailure = T0.minusSeconds(120);
        parkedLater.roundStart = T0.minusSeconds(120);
        parkedLater.attempts = 7;
        PendingRecord retriedAgain = record(2, true);
        retriedAgain.attempts = 1;
        retriedAgain.roundAttempts = 1;
        retriedAgain.firstFailure = T0.minusMillis(300);
        retriedAgain.roundStart = T0.minusMillis(300);
        List<PendingRecord> batch = List.of(record(0, true), record(1, true), retriedAgain, record(3, true),
                record(4, false), parkedLater);

        settlement.settle(batch, List.of(Delivery.delivered(), Delivery.discarded("no_email", "no email"),
                Delivery.transientFailure("http_503", "unavailable"), Delivery.permanentFailure("http_400", "bad"),
                Delivery.delivered(), Delivery.transientFailure("http_500", "boom")));

        Map<Outcome, DeliveryLogEntry> e = byOutcome(logged());
        assertThat(e).containsOnlyKeys(Outcome.DELIVERED, Outcome.DISCARDED, Outcome.RETRYING, Outcome.DEAD_LETTERED,
                Outcome.PARKED);
        assertThat(e.values()).allSatisfy(x -> assertThat(x.atMillis()).isEqualTo(T0.toEpochMilli()));
        assertThat(e.get(Outcome.DELIVERED).events()).containsExactly(
                new Event("m0", "proj-0", "track", T0.toEpochMilli() - 1000, 1),
                new Event(null, "proj-4", null, T0.toEpochMilli() - 996, 1));
        assertThat(e.get(Outcome.DISCARDED).code()).isEqualTo("no_email");
        assertThat(e.get(Outcome.DISCARDED).events()).extracting(Event::messageId).containsExactly("m1");
        DeliveryLogEntry retrying = e.get(Outcome.RETRYING);
        assertThat(retrying.code()).isEqualTo("http_503");
        assertThat(retrying.reason()).isEqualTo("unavailable");
        assertThat(retrying.events()).containsExactly(new Event("m2", "proj-2", "track", T0.toEpochMilli() - 998, 2));
        // second in-place attempt: backoff between 200 and 400 ms
        assertThat(retrying.nextAttemptAtMillis()).isBetween(T0.toEpochMilli() + 200, T0.toEpochMilli() + 400);
        assertThat(retrying.nextAttemptAtMillis()).isEqualTo(retriedAgain.notBeforeMillis);
        DeliveryLogEntry dead = e.get(Outcome.DEAD_LETTERED);
        assertThat(dead.code()).isEqualTo("http_400");
        assertThat(dead.events()).extracting(Event::messageId, Event::attempts).containsExactly(
                org.assertj.core.groups.Tuple.tuple("m3", 1));
        DeliveryLogEntry parked = e.get(Outcome.PARKED);
        assertThat(parked.code()).isEqualTo("http_500");
        assertThat(parked.nextAttemptAtMillis()).isEqualTo(T0.plus(POLICY.parkDelay(1)).toEpochMilli());
        assertThat(parked.events()).extracting(Event::messageId, Event::attempts).containsExactly(
                org.assertj.core.groups.Tuple.tuple("m5", 8));
        assertThat(registry.counter("sluice.sink.delivery.log.entries", "sink", "sink-fake", "group", "grp").count())
                .isEqualTo(5);
    }

    @Test
    void aParkOrDlqWriteKafkaRefusedIsLoggedAsRetryingNotAsParked() {
        parkerProducer.sendException = new KafkaException("injected: the DLQ is unavailable");
        PendingRecord r = record(0, true);

        settlement.settle(List.of(r, record(1, true)), List.of(Delivery.permanentFailure("http_400", "bad"),
                Delivery.delivered()));

        List<DeliveryLogEntry> entries = logged();
        assertThat(entries).extracting(DeliveryLogEntry::outcome).containsExactlyInAnyOrder(Outcome.DELIVERED,
                Outcome.RETRYING);
        DeliveryLogEntry retrying = byOutcome(entries).get(Outcome.RETRYING);
        assertThat(retrying.code()).isEqualTo("park_failed");
        assertThat(retrying.reason()).contains("the DLQ is unavailable");
        assertThat(retrying.nextAttemptAtMillis()).isEqualTo(r.notBeforeMillis).isGreaterThan(T0.toEpochMilli());
        assertThat(r.settled).isFalse();
    }

    @Test
    void parkedAndDeadLetteredAreStampedWhenKafkaAcknowledgedThem() {
        // the clock moves while the parker waits for Kafka's ack
        MockProducer<String, byte[]> slow = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                clock.advance(Duration.ofMillis(250));
                super.flush();
            }
        };
        Settlement s = new Settlement(new RetryRules(POLICY, new SplittableRandom(1)),
                new RecordParker(slow, clock, "t.retry.sink-fake", "t.dlq.sink-fake", "sink-fake"),
                new SinkMetrics(registry, "sink-fake", "grp", clock), clock, "sink-fake", log);

        s.settle(List.of(record(0, true), record(1, true)), List.of(Delivery.delivered(),
                Delivery.permanentFailure("http_400", "bad")));

        Map<Outcome, DeliveryLogEntry> e = byOutcome(logged());
        assertThat(e.get(Outcome.DELIVERED).atMillis()).isEqualTo(T0.toEpochMilli());
        assertThat(e.get(Outcome.DEAD_LETTERED).atMillis()).isEqualTo(T0.toEpochMilli() + 250);
    }

    @Test
    void aFailingLogWriteIsCountedAndChangesNothingElse() {
        logProducer.sendException = new KafkaException("injected: the log is unwritable");
        PendingRecord r = record(0, true);

        settlement.settle(List.of(r), List.of(Delivery.delivered()));

        assertThat(r.settled).isTrue();
        assertThat(logged()).isEmpty();
        assertThat(registry.counter("sluice.sink.delivery.log.errors", "sink", "sink-fake", "group", "grp").count())
                .isEqualTo(1);
    }

    @Test
    void withTheLogOffNothingIsGathered() {
        Settlement off = new Settlement(new RetryRules(POLICY, new SplittableRandom(1)),
                new RecordParker(parkerProducer, clock, "t.retry.sink-fake", "t.dlq.sink-fake", "sink-fake"),
                new SinkMetrics(registry, "sink-fake", "grp", clock), clock, "sink-fake", DeliveryLog.OFF);
        PendingRecord r = record(0, true);
        off.settle(List.of(r), List.of(Delivery.delivered()));
        assertThat(r.settled).isTrue();
        assertThat(logged()).isEmpty();
    }

    @Test
    void aWriterStuckOnKafkaNeverHoldsUpTheCallerAndCountsWhatItDrops() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MockProducer<String, byte[]> stuck = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    ProducerRecord<String, byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
                try {
                    release.await(); // as a send does while Kafka's metadata does not come
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        DeliveryLog stuckLog = new DeliveryLog(stuck, "t.deliveries", "sink-fake", "stuck", registry, clock,
                DeliveryLog.MAX_ENTRY_BYTES);
        int batches = 3_000;
        for (int b = 0; b < batches; b++) {
            OutcomeGroups g = new OutcomeGroups();
            for (int i = 0; i < 50; i++) {
                g.add(Outcome.DELIVERED, null, null, 0, new Event("m" + b + "-" + i, "p", "track", 1, 1));
            }
            stuckLog.write(g, T0.toEpochMilli());
        }
        double dropped = registry.counter("sluice.sink.delivery.log.errors", "sink", "sink-fake", "group", "stuck")
                .count();
        // at most 50,000 events wait: of 3,000 batches of 50, 1,000 at most are queued (one more is in the writer's hands)
        assertThat(dropped).isGreaterThanOrEqualTo(batches - 1_001);
        release.countDown();
        stuckLog.close();
        assertThat(stuck.history().size() + dropped).isEqualTo(batches);
    }
}
