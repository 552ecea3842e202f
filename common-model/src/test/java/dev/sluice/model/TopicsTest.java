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
    void typesParseFromWireNamesAndInitials() {
        assertThat(EventType.fromWire("screen")).contains(EventType.SCREEN);
        assertThat(EventType.fromWire("SCREEN")).isEmpty();
        assertThat(EventType.fromInitial("a")).contains(EventType.ALIAS);
        assertThat(EventType.fromInitial("x")).isEmpty();
    }
}
