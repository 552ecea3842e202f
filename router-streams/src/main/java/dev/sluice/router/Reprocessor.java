package dev.sluice.router;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewinds the (stopped) router's consumer group on {@code ingest.raw} to the first record at or after
 * an instant, so the next start re-routes from there. The dedup store is kept, so events already
 * routed within the window are not routed twice.
 */
public final class Reprocessor {

    private static final Logger LOG = LoggerFactory.getLogger(Reprocessor.class);

    private Reprocessor() {
    }

    /** Returns the new offset of each partition. */
    public static Map<TopicPartition, Long> rewind(RouterConfig config, Instant from) throws Exception {
        String topic = config.kafka().topics().ingestRaw();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.kafka().bootstrapServers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(config.applicationId()))
                    .describedGroups().get(config.applicationId()).get(30, TimeUnit.SECONDS);
            if (!group.members().isEmpty()) {
                throw new IllegalStateException("router group " + config.applicationId() + " still has "
                        + group.members().size() + " running member(s): stop every router instance first");
            }
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                specs.put(new TopicPartition(topic, p), OffsetSpec.forTimestamp(from.toEpochMilli()));
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
                    admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> ends = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            specs.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, i) -> ends.put(tp, i.offset()));
            Map<TopicPartition, OffsetAndMetadata> target = new HashMap<>();
            Map<TopicPartition, Long> result = new HashMap<>();
            found.forEach((tp, info) -> {
                long offset = info.offset() < 0 ? ends.get(tp) : info.offset(); // -1: nothing that recent
                target.put(tp, new OffsetAndMetadata(offset));
                result.put(tp, offset);
            });
            admin.alterConsumerGroupOffsets(config.applicationId(), target).all().get(30, TimeUnit.SECONDS);
            LOG.info("event=router_rewound group={} topic={} from={} offsets={}", config.applicationId(), topic,
                    from, result);
            return result;
        }
    }
}
