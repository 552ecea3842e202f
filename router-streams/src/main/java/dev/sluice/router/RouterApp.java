package dev.sluice.router;

import dev.sluice.runtime.AdminServer;
import dev.sluice.runtime.TopicCreator;
import dev.sluice.runtime.TopicReplication;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** router-streams as a running service: topics checked, the topology running, admin endpoints up. */
public final class RouterApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterApp.class);

    private final KafkaStreams streams;
    private final AdminServer admin;
    private final KafkaStreamsMetrics streamsMetrics;

    private RouterApp(KafkaStreams streams, AdminServer admin, KafkaStreamsMetrics streamsMetrics) {
        this.streams = streams;
        this.admin = admin;
        this.streamsMetrics = streamsMetrics;
    }

    /** Creates absent topics, refuses inconsistent ones, then starts processing. */
    public static RouterApp start(RouterConfig config) {
        ensureTopics(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        TopicReplication internal = config.kafka().topicCreator().replication(Duration.ofSeconds(30));
        RouterMetrics metrics = new RouterMetrics(registry);
        KafkaStreams streams = new KafkaStreams(RouterTopology.build(config, metrics),
                streamsProperties(config, internal),
                new RouterClients(Set.copyOf(config.kafka().topics().allEventTopics()), metrics));
        Deque<Long> failures = new ArrayDeque<>();
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("event=stream_thread_failed error=\"{}\"", e.toString(), e);
            synchronized (failures) {
                failures.addLast(System.currentTimeMillis());
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("event=router_state from={} to={}", before, now));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        streams.start();
        AdminServer admin = AdminServer.start(config.adminBind(), config.adminPort(),
                () -> streams.state() != KafkaStreams.State.ERROR
                        && streams.state() != KafkaStreams.State.PENDING_ERROR
                        && !failingRepeatedly(failures),
                () -> streams.state() == KafkaStreams.State.RUNNING,
                registry::scrape);
        LOG.info("event=router_started kafka={} applicationId={} dedupWindow={} adminPort={}",
                config.kafka().bootstrapServers(), config.applicationId(), config.dedupWindow(), admin.port());
        return new RouterApp(streams, admin, streamsMetrics);
    }

    /**
     * A replaced stream thread that fails again and again (a missing native library, a broken
     * broker) would look alive forever: five failures within a minute make {@code /healthz} say DOWN,
     * so an orchestrator restarts the process.
     */
    static boolean failingRepeatedly(Deque<Long> failures) {
        long cutoff = System.currentTimeMillis() - 60_000;
        synchronized (failures) {
            while (!failures.isEmpty() && failures.peekFirst() < cutoff) {
                failures.removeFirst();
            }
            return failures.size() >= 5;
        }
    }

    static Properties streamsProperties(RouterConfig config) {
        return streamsProperties(config, TopicReplication.choose(config.kafka().topicReplication(), 1));
    }

    /**
     * @param internal replication for Streams' own topics (the dedup changelog): on a cluster of three
     *                 brokers or more, three replicas and {@code min.insync.replicas=2}, like Sluice's topics
     */
    static Properties streamsProperties(RouterConfig config, TopicReplication internal) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        // CaughtUpCommitter asks for a commit every commitInterval while caught up; behind, Streams commits
        // only this often, since each commit stalls the stream thread
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.backlogCommitInterval().toMillis());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        internal.factor().ifPresent(f -> p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) f));
        internal.configs().forEach((name, value) -> p.put(StreamsConfig.topicPrefix(name), value));
        // nothing may stop the app: a record that cannot be read or processed goes to events.rejected
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.kafka().topics().rejected());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // records spread over ~20 partitions: with a 5 ms linger each batch held two or three events and
        // starting batches (a new lz4 frame each) took a tenth of the stream thread's time in a profile.
        // Nothing is readable before the transaction commits anyway, so lingering a quarter of the
        // commit interval costs read_committed consumers nothing.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                (int) Math.max(5, config.commitInterval().toMillis() / 4));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                (int) config.sessionTimeout().toMillis());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return p;
    }

    /**
     * The typed and rejected topics must have as many partitions as {@code ingest.raw} (one project's
     * events stay in one partition end to end); anything else is refused before processing starts.
     */
    static void ensureTopics(RouterConfig config) {
        TopicCreator creator = config.kafka().topicCreator();
        Map<String, Integer> raw = creator.ensure(List.of(config.kafka().topics().ingestRaw()), Duration.ofSeconds(30));
        int partitions = raw.get(config.kafka().topics().ingestRaw());
        List<String> outputs = new ArrayList<>(config.kafka().topics().allEventTopics());
        outputs.add(config.kafka().topics().rejected());
        Map<String, Integer> out = new TopicCreator(config.kafka().bootstrapServers(), partitions, config.kafka().topicReplication())
                .ensure(outputs, Duration.ofSeconds(30));
        Map<String, Integer> mismatched = out.entrySet().stream().filter(e -> e.getValue() != partitions)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (!mismatched.isEmpty()) {
            throw new IllegalStateException("topic partition counts are inconsistent: " + config.kafka().topics().ingestRaw()
                    + " has " + partitions + " partitions but " + mismatched + "; typed topics must be "
                    + "co-partitioned with ingest.raw (recreate them or add partitions to match)");
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public int adminPort() {
        return admin.port();
    }

    @Override
    public void close() {
        admin.close();
        // leave the group on a clean stop so the rest of the group (or a reprocess run) needn't wait
        // for the session timeout to take over the partitions
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streamsMetrics.close();
        LOG.info("event=router_stopped");
    }
}
