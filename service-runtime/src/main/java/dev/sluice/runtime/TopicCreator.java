package dev.sluice.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics a service writes to when they are absent; leaves existing ones untouched. */
public final class TopicCreator {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

    private final String bootstrapServers;
    private final Optional<Integer> partitions;
    private final int replicationFactor;

    /**
     * @param partitions partitions for new topics; 0 means the broker's {@code num.partitions}
     * @param replicationFactor 0 means {@link TopicReplication#choose}: 3 from three brokers on, else the
     *                          broker's {@code default.replication.factor}
     */
    public TopicCreator(String bootstrapServers, int partitions, int replicationFactor) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions > 0 ? Optional.of(partitions) : Optional.empty();
        this.replicationFactor = replicationFactor;
    }

    /** A topic just created may be unknown to the broker's metadata for a moment: ask again until the deadline. */
    private static Map<String, TopicDescription> describe(Admin admin, Collection<String> names, long deadlineNanos)
            throws ExecutionException, InterruptedException, TimeoutException {
        while (true) {
            try {
                long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
                return admin.describeTopics(names).allTopicNames().get(left, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadlineNanos) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * The replication Sluice asks for on this cluster right now, for topics others create on its behalf
     * (Kafka Streams' internal topics).
     */
    public TopicReplication replication(Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
            return TopicReplication.choose(replicationFactor,
                    admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the Kafka cluster at " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing the cluster", e);
        }
    }

    /** Creates the absent topics among {@code names}; returns the partition count of every name. */
    public Map<String, Integer> ensure(Collection<String> names, Duration timeout) {
        return ensure(names, Map.of(), timeout);
    }

    /**
     * Like {@link #ensure(Collection, Duration)}, creating absent topics with {@code configs} (e.g. a retention)
     * on top of the replication's own; existing topics keep theirs.
     */
    public Map<String, Integer> ensure(Collection<String> names, Map<String, String> configs, Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000)))) {
            long ms = timeout.toMillis();
            Set<String> existing = admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS);
            List<String> absent = names.stream().filter(n -> !existing.contains(n)).distinct().toList();
            TopicReplication replication = absent.isEmpty() ? null : TopicReplication.choose(replicationFactor,
                    admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS).size());
            Map<String, String> topicConfigs = new HashMap<>(configs);
            if (replication != null) {
                topicConfigs.putAll(replication.configs());
            }
            List<NewTopic> missing = absent.stream()
                    .map(n -> new NewTopic(n, partitions, replication.factor()).configs(topicConfigs))
                    .toList();
            for (NewTopic t : missing) {
                try {
                    admin.createTopics(List.of(t)).all().get(ms, TimeUnit.MILLISECONDS);
                    LOG.info("event=topic_created topic={} partitions={} replication={} configs={}", t.name(),
                            partitions.map(String::valueOf).orElse("broker-default"),
                            replication.factor().map(String::valueOf).orElse("broker-default"),
                            topicConfigs);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            Map<String, TopicDescription> described = describe(admin, names, System.nanoTime() + ms * 1_000_000);
            return described.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    Map.Entry::getKey, e -> e.getValue().partitions().size()));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + names + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + names + ": Kafka at " + bootstrapServers
                    + " did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
