package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesFollowTheArchitecture() {
        Topics t = new Topics(Topics.DEFAULT_PREFIX);
        assertThat(t.ingestRaw()).isEqualTo("sluice.ingest.raw");
        assertThat(t.events(EventType.TRACK)).isEqualTo("sluice.events.track");
        assertThat(t.allEventTopics()).hasSize(6).contains("sluice.events.alias");
        assertThat(t.rejected()).isEqualTo("sluice.events.rejected");
        assertThat(t.retry("sink-firehose")).isEqualTo("sluice.retry.sink-firehose");
        assertThat(t.dlq("sink-forwarder")).isEqualTo("sluice.dlq.sink-forwarder");
        assertThat(t.deliveries()).isEqualTo("sluice.deliveries");
        assertThat(new Topics("").ingestRaw()).isEqualTo("ingest.raw");
        assertThatThrownBy(() -> new Topics("a/b")).hasMessageContaining("a/b");
    }

    @Test
    void eachConsumerGroupOfASinkHasItsOwnRetryTopicAndDlq() {
        Topics t = new Topics("p.");
        assertThat(Topics.sinkGroup("sink-webhook")).isEqualTo("sluice-sink-webhook");
        assertThat(t.retry("sink-webhook", "sluice-sink-webhook")).isEqualTo("p.retry.sink-webhook");
        assertThat(t.dlq("sink-webhook", "sluice-sink-webhook")).isEqualTo("p.dlq.sink-webhook");
        assertThat(t.retry("sink-webhook", "sluice-sink-webhook.orders")).isEqualTo("p.retry.sink-webhook.orders");
        assertThat(t.dlq("sink-webhook", "sluice-sink-webhook.a b")).isEqualTo("p.dlq.sink-webhook.a_b");
        assertThat(t.retry("sink-forwarder", "aio-segment")).isEqualTo("p.retry.sink-forwarder.aio-segment");
        assertThat(t.dlq("sink-forwarder", "team/segment")).isEqualTo("p.dlq.sink-forwarder.team_segment");
        // a group that only starts like the sink's own is another group, named in full
        assertThat(t.dlq("sink-webhook", "sluice-sink-webhook.")).isEqualTo("p.dlq.sink-webhook.sluice-sink-webhook.");
    }

    @Test
    void typesParseFromWireNamesAndInitials() {
        assertThat(EventType.fromWire("screen")).contains(EventType.SCREEN);
        assertThat(EventType.fromWire("SCREEN")).isEmpty();
        assertThat(EventType.fromInitial("a")).contains(EventType.ALIAS);
        assertThat(EventType.fromInitial("x")).isEmpty();
    }
}
