package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.model.Topics;
import dev.sluice.runtime.TopicCreator;
import dev.sluice.testsupport.SharedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

    @Test
    void defaultsFollowTheArchitecture() {
        RouterConfig c = RouterConfig.fromEnv(Map.of());
        assertThat(c.adminPort()).isEqualTo(9101);
        assertThat(c.adminBind()).isEqualTo("127.0.0.1"); // metrics and readiness are not for strangers
        assertThat(c.dedupWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(c.dedupEnabled()).isTrue();
        assertThat(c.kafka().topics().ingestRaw()).isEqualTo("sluice.ingest.raw");
        assertThat(RouterConfig.fromEnv(Map.of("SLUICE_DEDUP_WINDOW", "PT0S")).dedupEnabled()).isFalse();
        assertThat(RouterApp.streamsProperties(c).get("processing.guarantee")).isEqualTo("exactly_once_v2");
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.caughtUpLag()).isEqualTo(Duration.ofSeconds(1));
        // Streams' own interval is the backlog one: caught up, CaughtUpCommitter asks for commits
        assertThat(RouterApp.streamsProperties(c).get("commit.interval.ms")).isEqualTo(1000L);
        assertThat(RouterConfig.fromEnv(Map.of("SLUICE_ROUTER_COMMIT_INTERVAL", "PT2S")).backlogCommitInterval())
                .as("never shorter than the caught-up interval").isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badSettingsAreRefusedWithTheVariableNamed() {
        assertThatThrownBy(() -> RouterConfig.fromEnv(Map.of("SLUICE_DEDUP_WINDOW", "24h")))
                .hasMessageContaining("SLUICE_DEDUP_WINDOW");
        assertThatThrownBy(() -> RouterConfig.fromEnv(Map.of("SLUICE_ROUTER_THREADS", "0")))
                .hasMessageContaining("SLUICE_ROUTER_THREADS");
        assertThatThrownBy(() -> RouterConfig.fromEnv(Map.of("SLUICE_ROUTER_BACKLOG_COMMIT_INTERVAL", "PT0.05S")))
                .hasMessageContaining("SLUICE_ROUTER_BACKLOG_COMMIT_INTERVAL");
        assertThatThrownBy(() -> RouterConfig.fromEnv(Map.of("SLUICE_ROUTER_BACKLOG_COMMIT_INTERVAL", "PT6S")))
                .hasMessageContaining("SLUICE_ROUTER_BACKLOG_COMMIT_INTERVAL");
        assertThatThrownBy(() -> RouterConfig.fromEnv(Map.of("SLUICE_ROUTER_APPLICATION_ID", "a b")))
                .hasMessageContaining("SLUICE_ROUTER_APPLICATION_ID");
    }

    @Test
    void refusesToStartWhenTypedTopicsAreNotCoPartitionedWithIngestRaw() {
        Topics topics = RouterIntegrationTest.newTopics();
        new TopicCreator(SharedKafka.bootstrapServers(), 3, 1).ensure(List.of(topics.ingestRaw()), Duration.ofSeconds(10));
        new TopicCreator(SharedKafka.bootstrapServers(), 1, 1).ensure(List.of(topics.events(dev.sluice.model.EventType.PAGE)),
                Duration.ofSeconds(10));
        RouterConfig config = RouterConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "SLUICE_TOPIC_PREFIX", topics.prefix()));
        assertThatThrownBy(() -> RouterApp.ensureTopics(config))
                .hasMessageContaining(topics.events(dev.sluice.model.EventType.PAGE))
                .hasMessageContaining("co-partitioned");
    }

    @Test
    void fiveStreamThreadFailuresWithinAMinuteMeanUnhealthy() {
        java.util.Deque<Long> failures = new java.util.ArrayDeque<>();
        long now = System.currentTimeMillis();
        failures.add(now - 120_000);
        for (int i = 0; i < 4; i++) {
            failures.add(now - i);
        }
        assertThat(RouterApp.failingRepeatedly(failures)).isFalse();
        assertThat(failures).hasSize(4);
        failures.add(now);
        assertThat(RouterApp.failingRepeatedly(failures)).isTrue();
    }
}
