package dev.sluice.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicReplicationTest {

    @Test
    void threeBrokersOrMoreGetThreeReplicasOfWhichTwoMustAcknowledge() {
        assertThat(TopicReplication.choose(0, 3))
                .isEqualTo(new TopicReplication(Optional.of((short) 3), Map.of("min.insync.replicas", "2")));
        assertThat(TopicReplication.choose(0, 7))
                .isEqualTo(new TopicReplication(Optional.of((short) 3), Map.of("min.insync.replicas", "2")));
    }

    @Test
    void smallerClustersKeepTheBrokerDefaults() {
        assertThat(TopicReplication.choose(0, 1)).isEqualTo(new TopicReplication(Optional.empty(), Map.of()));
        assertThat(TopicReplication.choose(0, 2)).isEqualTo(new TopicReplication(Optional.empty(), Map.of()));
    }

    @Test
    void aConfiguredFactorWinsAndGetsMinInsyncOnlyFromThreeReplicasOn() {
        assertThat(TopicReplication.choose(1, 3)).isEqualTo(new TopicReplication(Optional.of((short) 1), Map.of()));
        assertThat(TopicReplication.choose(2, 5)).isEqualTo(new TopicReplication(Optional.of((short) 2), Map.of()));
        assertThat(TopicReplication.choose(5, 5))
                .isEqualTo(new TopicReplication(Optional.of((short) 5), Map.of("min.insync.replicas", "2")));
    }
}
