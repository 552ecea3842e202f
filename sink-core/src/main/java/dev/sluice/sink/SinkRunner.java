package dev.sluice.sink;

import dev.sluice.model.EventHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery loop: poll, start delivery calls for ready batches ({@link BatchAssembler}) as often as
 * {@link SendRate} allows and as many at once as the sink takes ({@link CallsInFlight}), settle each
 * record of a call that answered ({@link Settlement}), commit what {@link PartitionQueues} allow, pause
 * only partitions that hold too much. The loop keeps polling while calls run. A consumer or commit
 * failure rebuilds the consumer and resumes from the committed offsets.
 */
public final class SinkRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);
    private static final long MAX_POLL_WAIT_MS = 200;
    /** Deliveries in one turn of the loop stop starting after this, so poll() comes round often. */
    private static final long DELIVERY_TURN_MS = 1000;
    /** How long a poll may wait while calls run: their answers are settled (and their slots reused) after it. */
    private static final long POLL_WAIT_WHILE_CALLING_MS = 5;

    private final SinkConfig config;
    private final Sink sink;
    private final Clock clock;
    private final SinkMetrics metrics;
    private final MeterRegistry registry;
    private final SourceAssignment assignment;
    private final Supplier<Consumer<String, byte[]>> consumers;
    private final RecordParker parker;
    private final DeliveryLog deliveryLog;
    private final Settlement settlement;
    private final BatchAssembler assembler;
    private final PartitionQueues queues;
    private final SendRate sendRate;
    private final CallsInFlight calls;
    /** The call threads, when the runner made them (shut down when the loop ends). */
    private final ExecutorService callThreads;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private Consumer<String, byte[]> consumer;
    private KafkaClientMetrics consumerMetrics;
    private volatile boolean running = true;
    private volatile boolean finished;
    private volatile long lastPollMillis;
    private long rebuildDelayMillis = 500;

    /** @param replay a bounded replay run, or null for the live group */
    public SinkRunner(SinkConfig config, Sink sink, MeterRegistry registry, ReplayRange replay) {
        this(config, sink, registry, replay, Clock.systemUTC(), null,
                RecordParker.producer(config.kafka().bootstrapServers(), config.groupId() + "-parker"),
                deliveryLog(config, registry, replay), null);
    }

    /** Without a delivery log, each call made on the loop's thread: for tests of the loop alone, turn by turn. */
    SinkRunner(SinkConfig config, Sink sink, MeterRegistry registry, ReplayRange replay, Clock clock,
               Supplier<Consumer<String, byte[]>> consumers, Producer<String, byte[]> producer) {
        this(config, sink, registry, replay, clock, consumers, producer, DeliveryLog.OFF, Runnable::run);
    }

    /**
     * @param consumers makes a consumer (again after a failure); null for a {@link KafkaConsumer} from the config
     * @param deliveryLog where outcomes are logged; closed when the loop ends
     * @param callExecutor runs the delivery calls; null for threads of the runner's own, one per call in flight
     */
    SinkRunner(SinkConfig config, Sink sink, MeterRegistry registry, ReplayRange replay, Clock clock,
               Supplier<Consumer<String, byte[]>> consumers, Producer<String, byte[]> producer,
               DeliveryLog deliveryLog, Executor callExecutor) {
        this.deliveryLog = deliveryLog;
        this.config = config;
        this.sink = sink;
        this.clock = clock;
        this.registry = registry;
        this.assignment = replay == null ? new LiveAssignment(config) : new ReplayAssignment(replay);
        this.metrics = new SinkMetrics(registry, config.sinkName(), assignment.groupId(), clock);
        BatchLimits own = sink.limits();
        BatchLimits limits = config.linger() == null ? own
                : new BatchLimits(own.maxRecords(), own.maxBytes(), own.maxRecordBytes(), config.linger());
        this.assembler = new BatchAssembler(limits);

        this.sendRate = new SendRate(SendRate.MAX_GAP);
        int maxCalls = config.maxCallsInFlight() != null ? config.maxCallsInFlight() : Math.max(1, sink.maxCallsInFlight());
        this.callThreads = callExecutor != null ? null
                : Executors.newFixedThreadPool(maxCalls, callThreadFactory(assignment.groupId()));
        this.calls = new CallsInFlight(callExecutor != null ? callExecutor : callThreads, maxCalls,
                sink.keepsPartitionOrder());
        // a partition stops being read once it holds what every call could carry and a batch more
        this.queues = new PartitionQueues(Math.max((maxCalls + 1) * limits.maxRecords(), 1000));
        this.consumers = consumers != null ? consumers
                : () -> new KafkaConsumer<>(consumerProperties(limits), new StringDeserializer(),
                        new ByteArrayDeserializer());
        this.parker = new RecordParker(producer, clock, config.retryTopic(), config.dlqTopic(), config.sinkName());
        this.settlement = new Settlement(new RetryRules(config.retry(), new SplittableRandom()), parker, metrics, clock,
                config.sinkName(), deliveryLog);
        this.lastPollMillis = clock.millis();
        metrics.sendRate(sendRate::callsPerSecond);
        metrics.callsInFlight(calls::running);
    }

    private static ThreadFactory callThreadFactory(String group) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "sink-call-" + group + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The group's delivery log as configured; a replay logs under its own group. */
    static DeliveryLog deliveryLog(SinkConfig config, MeterRegistry registry, ReplayRange replay) {
        if (!config.deliveryLog().enabled()) {
            return DeliveryLog.OFF;
        }
        String group = replay == null ? config.groupId() : replay.groupId();
        return new DeliveryLog(DeliveryLog.producer(config.kafka().bootstrapServers(), group + "-delivery-log"),
                config.deliveriesTopic(), config.sinkName(), group, registry, Clock.systemUTC(),
                DeliveryLog.MAX_ENTRY_BYTES);
    }

    private Properties consumerProperties(BatchLimits limits) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, assignment.groupId());
        // one client id per group: the consumer's metrics (lag among them) are registered per client id, so
        // a sink's units (a webhook's endpoints) each get their own series
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, assignment.groupId() + (assignment.flushEagerly() ? "-replay" : ""));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                config.startFrom().kind() == StartPosition.Kind.LATEST ? "latest" : "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, limits.maxRecords()));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.maxPollInterval().toMillis());
        return p;
    }

    @Override
    public void run() {
        LOG.info("event=sink_started sink={} group={} topics={} replay={} retryTopic={} dlq={}", config.sinkName(),
                assignment.groupId(), config.sourceTopics(), assignment.flushEagerly(), config.retryTopic(),
                config.dlqTopic());
        try {
            while (running && !turn()) {
                // each turn polls, delivers and commits; a failed consumer is rebuilt inside turn()
            }
        } catch (RuntimeException e) {
            LOG.error("event=sink_loop_failed sink={} error=\"{}\"", config.sinkName(), e.toString(), e);
            throw e;
        } finally {
            disconnect(true);
            if (callThreads != null) {
                callThreads.shutdownNow();
            }
            parker.close();
            deliveryLog.close();
            stopped.countDown();
            LOG.info("event=sink_stopped sink={}", config.sinkName());
        }
    }

    /**
     * One turn of the loop, surviving consumer and commit failures by rebuilding the consumer; true
     * when the run is over (a replay delivered its range). Package-private for tests.
     */
    boolean turn() {
        try {
            if (consumer == null) {
                connect();
            }
            step();
            rebuildDelayMillis = 500;
            if (assignment.complete(consumer, queues)) {
                finished = true;
                LOG.info("event=replay_complete sink={} group={}", config.sinkName(), assignment.groupId());
                return true;
            }
        } catch (WakeupException | InterruptException e) {
            if (running) {
                rebuild(e);
            }
        } catch (KafkaException e) {
            rebuild(e);
        }
        return false;
    }

    /** Poll, deliver what is ready, commit, pause or resume. */
    private void step() {
        long now = clock.millis();
        long wait = calls.full() ? MAX_POLL_WAIT_MS
                : Math.max(assembler.waitMillis(queues, now, MAX_POLL_WAIT_MS, calls.busyPartitions()),
                        sendRate.nextCallMillis() - now);
        if (calls.running() > 0) {
            wait = Math.min(wait, POLL_WAIT_WHILE_CALLING_MS);
        }
        var polled = consumer.poll(Duration.ofMillis(Math.max(0, Math.min(wait, MAX_POLL_WAIT_MS))));
        lastPollMillis = clock.millis();
        enqueue(polled);
        settleAnswered(calls.takeAnswered());
        deliverReady();
        commit(queues.partitions());
        adjustPauses();
    }

    private void connect() {
        consumer = consumers.get();
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        assignment.attach(consumer, new SourceAssignment.Owner() {
            @Override
            public void revoked(Collection<TopicPartition> partitions) {
                awaitCalls();
                commit(partitions);
                queues.drop(partitions);
            }

            @Override
            public void lost(Collection<TopicPartition> partitions) {
                awaitCalls();
                queues.drop(partitions);
            }
        });
    }

    /** Drops the consumer and everything uncommitted; the next turn starts over from the committed offsets. */
    private void rebuild(RuntimeException cause) {
        LOG.warn("event=consumer_failed sink={} group={} action=rebuild retryInMs={} error=\"{}\"", config.sinkName(),
                assignment.groupId(), rebuildDelayMillis, cause.toString());
        metrics.consumerRebuilt();
        disconnect(false);
        try {
            stopRequested.await(rebuildDelayMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        rebuildDelayMillis = Math.min(30_000, rebuildDelayMillis * 2);
    }

    /** @param commitSettled whether to commit what is settled first (a clean stop) */
    private void disconnect(boolean commitSettled) {
        if (consumer == null) {
            return;
        }
        awaitCalls();
        if (commitSettled) {
            try {
                commit(new ArrayList<>(queues.partitions()));
            } catch (RuntimeException e) {
                LOG.warn("event=final_commit_failed sink={} error=\"{}\"", config.sinkName(), e.toString());
            }
        }
        queues.clear();
        consumerMetrics.close();
        try {
            consumer.close(Duration.ofSeconds(commitSettled ? 10 : 2));
        } catch (RuntimeException e) {
            LOG.warn("event=consumer_close_failed sink={} error=\"{}\"", config.sinkName(), e.toString());
        }
        consumer = null;
    }

    /** Asks the loop to stop after the current step, without waiting. */
    public void requestStop() {
        running = false;
        stopRequested.countDown();
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Asks the loop to stop after the current step; waits for it. Undelivered records stay uncommitted. */
    public void stop(Duration timeout) {
        requestStop();
        try {
            stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Alive while the loop polls within the consumer's own patience. */
    public boolean isAlive() {
        return stopped.getCount() > 0 && clock.millis() - lastPollMillis < config.maxPollInterval().toMillis();
    }

    public boolean isFinished() {
        return finished;
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void enqueue(Iterable<ConsumerRecord<String, byte[]>> polled) {
        long now = clock.millis();
        List<PendingRecord> tooLarge = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : polled) {
            if (!assignment.accepts(r)) {
                continue;
            }
            PendingRecord p = new PendingRecord(r, r.topic().equals(config.retryTopic()), now);
            if (p.fromRetryTopic) {
                RetryHeaders.restore(p);
                p.readySinceMillis = Math.max(now, p.notBeforeMillis);
            }
            queues.add(new TopicPartition(r.topic(), r.partition()), p);
            if (p.size() > assembler.limits().maxRecordBytes()) {
                tooLarge.add(p);
            }
        }
        if (!tooLarge.isEmpty()) {
            settlement.tooLarge(tooLarge, assembler.limits().maxRecordBytes());
        }
    }

    /**
     * Starts calls for ready batches while the sink takes more, but stops after a while so poll() comes
     * round (a call made on this thread, in tests, answers before the next starts).
     */
    private void deliverReady() {
        long until = clock.millis() + DELIVERY_TURN_MS;
        while (running && !calls.full()) {
            long now = clock.millis();
            if (now >= until || now < sendRate.nextCallMillis()) {
                return;
            }
            List<PendingRecord> batch = assembler.next(queues, now, assignment.flushEagerly(), calls.busyPartitions());
            if (batch.isEmpty()) {
                return;
            }
            start(batch);
            settleAnswered(calls.takeAnswered());
        }
    }

    /**
     * Waits for the calls running to answer and settles them, before their partitions' offsets are
     * committed or let go; a call overrunning its deadline by far is left behind (its records will be
     * read again).
     */
    private void awaitCalls() {
        if (calls.running() == 0) {
            return;
        }
        try {
            settleAnswered(calls.awaitAll(config.deliveryTimeout().plusSeconds(5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (calls.running() > 0) {
            LOG.warn("event=calls_overran sink={} group={} calls={} deadlineMs={}", config.sinkName(),
                    assignment.groupId(), calls.running(), config.deliveryTimeout().toMillis());
        }
    }

    private void settleAnswered(List<CallsInFlight.Answered> answered) {
        for (CallsInFlight.Answered a : answered) {
            if (a.error() != null) {
                // a broken sink (a missing class, a stack overflow) stops the loop and so its health, as before
                throw a.error();
            }
            sendRate.answered(a.startMillis(), a.results());
            settlement.settle(a.batch(), a.results());
        }
    }

    private void start(List<PendingRecord> batch) {
        List<SinkRecord> records = new ArrayList<>(batch.size());
        long bytes = 0;
        for (PendingRecord p : batch) {
            String type = EventHeaders.text(p.record.headers(), EventHeaders.TYPE);
            records.add(new SinkRecord(p.record.key(), type == null ? "" : type, p.record.value(),
                    p.record.timestamp(), p.record.headers()));
            bytes += p.size();
        }
        metrics.batch(batch.size(), bytes);
        long start = clock.millis();
        calls.start(batch, start, () -> call(records, start));
    }

    /** One delivery call, on a call thread; every failure becomes its records' results. */
    private List<Delivery> call(List<SinkRecord> records, long start) {
        Instant deadline = Instant.ofEpochMilli(start).plus(config.deliveryTimeout());
        List<Delivery> results;
        try {
            results = sink.deliver(Collections.unmodifiableList(records), deadline);
            if (results.size() != records.size()) {
                throw new IllegalStateException(config.sinkName() + " answered " + results.size()
                        + " results for " + records.size() + " records");
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("event=delivery_failed sink={} records={} error=\"{}\"", config.sinkName(), records.size(),
                    e.toString());
            results = Collections.nCopies(records.size(), Delivery.transientFailure("delivery_error", e.toString()));
        }
        long took = clock.millis() - start;
        if (took > config.deliveryTimeout().toMillis()) {
            LOG.warn("event=delivery_overran sink={} records={} tookMs={} deadlineMs={}", config.sinkName(),
                    records.size(), took, config.deliveryTimeout().toMillis());
        }
        return results;
    }

    private void commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = queues.takeCommittable(partitions);
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    /**
     * Pauses a partition that holds as many records as it may, a replay partition read to its end, and
     * a retry-topic partition whose records are not due yet; failed records in backoff do not stop
     * their partition.
     */
    private void adjustPauses() {
        long now = clock.millis();
        Set<TopicPartition> waitingForDue = new HashSet<>();
        for (PendingRecord p : queues.unsettled()) {
            if (p.fromRetryTopic && !p.settled && p.roundAttempts == 0 && p.notBeforeMillis > now) {
                waitingForDue.add(new TopicPartition(p.record.topic(), p.record.partition()));
            }
        }
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        for (TopicPartition tp : consumer.assignment()) {
            if (queues.full(tp) || assignment.exhausted(consumer, tp) || waitingForDue.contains(tp)) {
                pause.add(tp);
            } else {
                resume.add(tp);
            }
        }
        consumer.pause(pause);
        resume.retainAll(consumer.paused());
        consumer.resume(resume);
    }
}
