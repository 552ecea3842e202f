package dev.sluice.sink;

import dev.sluice.model.EventHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable delivery loop: poll, batch within the sink's limits, deliver, retry what failed
 * transiently with backoff (pausing those partitions, never the loop), park what keeps failing in the
 * retry topic, dead-letter what never can succeed, and commit each partition only up to the first
 * record not yet delivered or durably parked.
 */
public final class SinkRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);
    private static final long MAX_POLL_WAIT_MS = 200;

    private final SinkConfig config;
    private final Sink sink;
    private final SinkMetrics metrics;
    private final BatchLimits limits;
    private final ReplayRange replay;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaClientMetrics consumerMetrics;
    private final RecordParker parker;
    private final int maxPendingPerPartition;
    private final Map<TopicPartition, ArrayDeque<PendingRecord>> queues = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> replayEnd = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean finished;
    private volatile long lastPollMillis = System.currentTimeMillis();

    /** @param replay a bounded replay run, or null for the live group */
    public SinkRunner(SinkConfig config, Sink sink, MeterRegistry registry, ReplayRange replay) {
        this.config = config;
        this.sink = sink;
        this.replay = replay;
        this.metrics = new SinkMetrics(registry, config.sinkName());
        BatchLimits own = sink.limits();
        this.limits = config.linger() == null ? own
                : new BatchLimits(own.maxRecords(), own.maxBytes(), own.maxRecordBytes(), config.linger());
        this.maxPendingPerPartition = Math.max(2 * limits.maxRecords(), 1000);
        this.consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        this.parker = new RecordParker(config.bootstrapServers(), config.retryTopic(), config.dlqTopic(),
                config.sinkName());
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, replay != null ? replay.groupId() : config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.sinkName() + (replay != null ? "-replay" : ""));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                config.startFrom().kind() == StartPosition.Kind.LATEST ? "latest" : "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, limits.maxRecords()));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
        return p;
    }

    @Override
    public void run() {
        try {
            if (replay != null) {
                assignReplay();
            } else {
                List<String> topics = new ArrayList<>(config.sourceTopics());
                topics.add(config.retryTopic());
                consumer.subscribe(topics, new Rebalance());
            }
            LOG.info("event=sink_started sink={} group={} topics={} replay={}", config.sinkName(),
                    replay != null ? replay.groupId() : config.groupId(),
                    replay != null ? replay.topic() : config.sourceTopics(), replay != null);
            while (running) {
                long now = System.currentTimeMillis();
                var polled = consumer.poll(Duration.ofMillis(pollWait(now)));
                lastPollMillis = System.currentTimeMillis();
                enqueue(polled);
                deliverReady();
                commitSettled(queues.keySet());
                adjustPauses();
                if (replay != null && replayComplete()) {
                    finished = true;
                    LOG.info("event=replay_complete sink={} topic={} group={}", config.sinkName(), replay.topic(),
                            replay.groupId());
                    break;
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("event=sink_loop_failed sink={} error=\"{}\"", config.sinkName(), e.toString(), e);
            throw e;
        } finally {
            try {
                commitSettled(new ArrayList<>(queues.keySet()));
            } catch (RuntimeException e) {
                LOG.warn("event=final_commit_failed sink={} error=\"{}\"", config.sinkName(), e.toString());
            }
            consumerMetrics.close();
            consumer.close(Duration.ofSeconds(10));
            parker.close();
            stopped.countDown();
            LOG.info("event=sink_stopped sink={}", config.sinkName());
        }
    }

    /** Asks the loop to stop after the current step; waits for it. Undelivered records stay uncommitted. */
    public void stop(Duration timeout) {
        running = false;
        consumer.wakeup();
        try {
            stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Alive while the loop polls within the consumer's own patience. */
    public boolean isAlive() {
        return stopped.getCount() > 0 && System.currentTimeMillis() - lastPollMillis < 300_000;
    }

    public boolean isFinished() {
        return finished;
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private long pollWait(long now) {
        long wait = MAX_POLL_WAIT_MS;
        for (ArrayDeque<PendingRecord> q : queues.values()) {
            for (PendingRecord p : q) {
                if (!p.settled) {
                    long due = Math.max(p.notBeforeMillis, p.readySinceMillis + limits.linger().toMillis());
                    wait = Math.min(wait, Math.max(0, due - now));
                }
            }
        }
        return wait;
    }

    private void enqueue(Iterable<ConsumerRecord<String, byte[]>> polled) {
        long now = System.currentTimeMillis();
        List<PendingRecord> tooLarge = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : polled) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Long end = replayEnd.get(tp);
            if (end != null && r.offset() >= end) {
                continue; // past the replay range
            }
            PendingRecord p = new PendingRecord(r, r.topic().equals(config.retryTopic()), now);
            if (p.fromRetryTopic) {
                RetryHeaders.restore(p);
                p.readySinceMillis = Math.max(now, p.notBeforeMillis);
            }
            queues.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(p);
            if (p.size() > limits.maxRecordBytes()) {
                tooLarge.add(p);
            }
        }
        if (!tooLarge.isEmpty()) {
            for (PendingRecord p : tooLarge) {
                parker.deadLetter(p, "record_too_large", "record of " + p.size() + " bytes exceeds the "
                        + config.sinkName() + " limit of " + limits.maxRecordBytes() + " bytes");
            }
            settleAfterFlush(tooLarge, "dead_lettered");
        }
    }

    /** Delivers ready batches, but returns to poll() within about a second so rebalances are not held up. */
    private void deliverReady() {
        long until = System.currentTimeMillis() + 1000;
        while (running && System.currentTimeMillis() < until) {
            List<PendingRecord> batch = nextBatch(System.currentTimeMillis());
            if (batch.isEmpty()) {
                return;
            }
            deliver(batch);
        }
    }

    /** Ready records in partition order up to the limits; empty until the batch is full or has lingered. */
    private List<PendingRecord> nextBatch(long now) {
        List<PendingRecord> batch = new ArrayList<>();
        long bytes = 0;
        long oldest = Long.MAX_VALUE;
        boolean full = false;
        outer:
        for (ArrayDeque<PendingRecord> q : queues.values()) {
            for (PendingRecord p : q) {
                if (!p.readyAt(now)) {
                    continue;
                }
                if (batch.size() == limits.maxRecords() || bytes + p.size() > limits.maxBytes()) {
                    full = true;
                    break outer;
                }
                batch.add(p);
                bytes += p.size();
                oldest = Math.min(oldest, p.readySinceMillis);
            }
        }
        boolean lingered = oldest + limits.linger().toMillis() <= now;
        boolean endOfReplay = replay != null && !batch.isEmpty();
        return full || lingered || batch.size() == limits.maxRecords() || endOfReplay ? batch : List.of();
    }

    private void deliver(List<PendingRecord> batch) {
        List<SinkRecord> records = new ArrayList<>(batch.size());
        long bytes = 0;
        for (PendingRecord p : batch) {
            String type = EventHeaders.text(p.record.headers(), EventHeaders.TYPE);
            records.add(new SinkRecord(p.record.key(), type == null ? "" : type, p.record.value(),
                    p.record.timestamp(), p.record.headers()));
            bytes += p.size();
        }
        metrics.batch(batch.size(), bytes);
        List<Delivery> results;
        try {
            results = sink.deliver(Collections.unmodifiableList(records));
            if (results.size() != batch.size()) {
                throw new IllegalStateException(config.sinkName() + " answered " + results.size()
                        + " results for " + batch.size() + " records");
            }
        } catch (Exception e) {
            LOG.warn("event=delivery_failed sink={} records={} error=\"{}\"", config.sinkName(), batch.size(),
                    e.toString());
            results = Collections.nCopies(batch.size(), Delivery.transientFailure("delivery_error", e.toString()));
        }
        settle(batch, results);
    }

    private void settle(List<PendingRecord> batch, List<Delivery> results) {
        long now = System.currentTimeMillis();
        Instant nowInstant = Instant.ofEpochMilli(now);
        RetryPolicy policy = config.retry();
        List<PendingRecord> parked = new ArrayList<>();
        List<PendingRecord> dead = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            PendingRecord p = batch.get(i);
            Delivery d = results.get(i);
            String project = p.record.key();
            if (d.outcome() == Delivery.Outcome.DELIVERED) {
                p.settled = true;
                metrics.record(project, "delivered");
                metrics.latency(project, p.record.timestamp());
                continue;
            }
            p.attempts++;
            if (p.firstFailure == null) {
                p.firstFailure = nowInstant;
            }
            if (d.outcome() == Delivery.Outcome.PERMANENT) {
                parker.deadLetter(p, d.code(), d.reason());
                dead.add(p);
            } else if (Duration.between(p.firstFailure, nowInstant).compareTo(policy.maxAge()) >= 0) {
                parker.deadLetter(p, d.code(), "still failing after " + policy.maxAge() + ": " + d.reason());
                dead.add(p);
            } else if (p.fromRetryTopic || p.attempts >= policy.inPlaceAttempts()) {
                Duration delay = policy.parkDelay(p.parkings + 1);
                if (d.retryAfter() != null && d.retryAfter().compareTo(delay) > 0) {
                    delay = d.retryAfter();
                }
                parker.park(p, d.code(), d.reason(), nowInstant.plus(delay));
                parked.add(p);
            } else {
                p.notBeforeMillis = now + policy.inPlaceDelay(p.attempts, d.retryAfter()).toMillis();
                p.readySinceMillis = p.notBeforeMillis;
                metrics.record(project, "retried");
            }
        }
        List<PendingRecord> both = new ArrayList<>(parked);
        both.addAll(dead);
        if (!both.isEmpty()) {
            if (settleAfterFlush(both, null)) {
                parked.forEach(p -> metrics.record(p.record.key(), "parked"));
                dead.forEach(p -> metrics.record(p.record.key(), "dead_lettered"));
                if (!dead.isEmpty()) {
                    LOG.warn("event=dead_lettered sink={} records={} topic={}", config.sinkName(), dead.size(),
                            config.dlqTopic());
                }
            }
        }
    }

    /** Marks records settled once the parker's writes are acknowledged; if they fail, tries them again later. */
    private boolean settleAfterFlush(List<PendingRecord> records, String outcome) {
        try {
            parker.flush();
            for (PendingRecord p : records) {
                p.settled = true;
                if (outcome != null) {
                    metrics.record(p.record.key(), outcome);
                }
            }
            return true;
        } catch (Exception e) {
            LOG.warn("event=park_failed sink={} records={} error=\"{}\"", config.sinkName(), records.size(),
                    e.toString());
            long retryAt = System.currentTimeMillis() + 1000;
            for (PendingRecord p : records) {
                p.notBeforeMillis = retryAt;
                p.readySinceMillis = retryAt;
            }
            return false;
        }
    }

    /** Commits, per partition, the offset after the last record settled in an unbroken run from the head. */
    private void commitSettled(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            ArrayDeque<PendingRecord> q = queues.get(tp);
            if (q == null) {
                continue;
            }
            long next = -1;
            while (!q.isEmpty() && q.peekFirst().settled) {
                next = q.pollFirst().record.offset() + 1;
            }
            if (next >= 0) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    /** Pauses partitions that are backing off or have enough waiting; the loop itself keeps polling. */
    private void adjustPauses() {
        long now = System.currentTimeMillis();
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        for (TopicPartition tp : consumer.assignment()) {
            ArrayDeque<PendingRecord> q = queues.get(tp);
            boolean backingOff = false;
            if (q != null) {
                for (PendingRecord p : q) {
                    if (!p.settled && p.notBeforeMillis > now) {
                        backingOff = true;
                        break;
                    }
                }
            }
            boolean replayDone = replayEnd.containsKey(tp) && consumer.position(tp) >= replayEnd.get(tp);
            if (backingOff || replayDone || (q != null && q.size() >= maxPendingPerPartition)) {
                pause.add(tp);
            } else {
                resume.add(tp);
            }
        }
        pause.retainAll(consumer.assignment());
        consumer.pause(pause);
        resume.retainAll(consumer.paused());
        consumer.resume(resume);
    }

    private void assignReplay() {
        List<TopicPartition> partitions = consumer.partitionsFor(replay.topic(), Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(replay.topic(), i.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("replay topic " + replay.topic() + " does not exist");
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
        for (TopicPartition tp : partitions) {
            replayEnd.put(tp, switch (replay.to().kind()) {
                case OFFSET -> Math.min(replay.to().offset(), ends.get(tp));
                case INSTANT -> offsetAt(tp, replay.to().instant(), ends.get(tp));
                default -> ends.get(tp);
            });
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            if (c != null) {
                consumer.seek(tp, c.offset()); // a replay that was interrupted resumes where it stopped
                continue;
            }
            switch (replay.from().kind()) {
                case EARLIEST -> consumer.seek(tp, begins.get(tp));
                case LATEST -> consumer.seek(tp, ends.get(tp));
                case OFFSET -> consumer.seek(tp, Math.max(begins.get(tp), replay.from().offset()));
                case INSTANT -> consumer.seek(tp, offsetAt(tp, replay.from().instant(), ends.get(tp)));
            }
        }
        LOG.info("event=replay_assigned topic={} partitions={} end={}", replay.topic(), partitions.size(), replayEnd);
    }

    private long offsetAt(TopicPartition tp, Instant at, long fallback) {
        OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, at.toEpochMilli())).get(tp);
        return found == null ? fallback : found.offset();
    }

    private boolean replayComplete() {
        for (Map.Entry<TopicPartition, Long> e : replayEnd.entrySet()) {
            ArrayDeque<PendingRecord> q = queues.get(e.getKey());
            if ((q != null && !q.isEmpty()) || consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Drops revoked partitions' pending records after committing what was settled; the new owner re-delivers the rest. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitSettled(partitions);
            partitions.forEach(queues::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(queues::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (config.startFrom().kind() != StartPosition.Kind.INSTANT) {
                return;
            }
            Set<TopicPartition> sources = new HashSet<>();
            for (TopicPartition tp : partitions) {
                if (!tp.topic().equals(config.retryTopic())) {
                    sources.add(tp);
                }
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(sources);
            for (TopicPartition tp : sources) {
                if (committed.get(tp) == null) {
                    long end = consumer.endOffsets(List.of(tp)).get(tp);
                    consumer.seek(tp, offsetAt(tp, config.startFrom().instant(), end));
                }
            }
        }
    }
}
