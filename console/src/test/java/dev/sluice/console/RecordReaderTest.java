package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.FallbackMessageIds;
import dev.sluice.model.RawEnvelope;
import dev.sluice.model.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordReaderTest {

    private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, String key, byte[] value,
                                                         RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 1, offset, 1_700_000_000_000L, TimestampType.CREATE_TIME, -1, -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsARoutedEventsFilterFieldsAndDropsAnyWriteKey() {
        RecordHeaders h = new RecordHeaders();
        EventHeaders.put(h, EventHeaders.PROJECT, "shop");
        var r = record("p.events.track", 7, "shop", bytes("{\"type\":\"track\",\"event\":\"Order Completed\","
                + "\"userId\":\"u1\",\"messageId\":\"m1\",\"writeKey\":\"wk-secret\",\"projectId\":\"shop\"}"), h);

        IndexedEvent e = RecordReader.routed(r, "track");

        assertThat(e.status()).isEqualTo(IndexedEvent.Status.ROUTED);
        assertThat(e.id()).isEqualTo("p.events.track/1/7");
        assertThat(e.projectId()).isEqualTo("shop");
        assertThat(e.type()).isEqualTo("track");
        assertThat(e.name()).isEqualTo("Order Completed");
        assertThat(e.userId()).isEqualTo("u1");
        assertThat(e.messageId()).isEqualTo("m1");
        assertThat(e.time()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(e.json()).doesNotContain("wk-secret").doesNotContain("writeKey").contains("Order Completed");
    }

    @Test
    void readsARejectionsReasonFromItsHeadersAndKeepsANonJsonValueAsText() {
        RecordHeaders h = new RecordHeaders();
        FailureHeaders.rejectedNow(new Rejection("malformed_raw", "raw record is not JSON"), "router-streams")
                .writeTo(h);
        var r = record("p.events.rejected", 3, "shop", bytes("not json {"), h);

        IndexedEvent e = RecordReader.rejected(r);

        assertThat(e.status()).isEqualTo(IndexedEvent.Status.REJECTED);
        assertThat(e.failure().code()).isEqualTo("malformed_raw");
        assertThat(e.failure().reason()).isEqualTo("raw record is not JSON");
        assertThat(e.failure().stage()).isEqualTo("router-streams");
        assertThat(e.failure().attempts()).isEqualTo("0");
        assertThat(e.projectId()).isEqualTo("shop");
        assertThat(e.json()).isNull();
        assertThat(e.text()).isEqualTo("not json {");
    }

    @Test
    void aRejectionWithoutHeadersStillShowsWithAnUnknownReason() {
        var r = record("p.events.rejected", 4, null, bytes("{\"type\":\"page\"}"), new RecordHeaders());

        IndexedEvent e = RecordReader.rejected(r);

        assertThat(e.failure().code()).isEqualTo("unknown");
        assertThat(e.type()).isEqualTo("page");
        assertThat(e.projectId()).isNull();
    }

    @Test
    void readsTheEventsOfARawEnvelopeAsSentWithTheRoutersIdForThoseSentWithout() {
        byte[] envelope = RawEnvelope.encode("shop", Instant.parse("2026-01-01T00:00:00Z"), null, "10.0.0.1", "ua",
                null, null, List.of(bytes("{\"type\":\"track\",\"event\":\"A\",\"messageId\":\"m-a\"}"),
                        bytes("{\"type\":\"track\",\"event\":\"B\",\"writeKey\":\"wk\"}")));
        var r = record("p.ingest.raw", 42, "shop", envelope, new RecordHeaders());

        List<ReceivedEvent> events = RecordReader.received(r);

        assertThat(events).extracting(ReceivedEvent::messageId)
                .containsExactly("m-a", FallbackMessageIds.of("shop", FallbackMessageIds.origin("p.ingest.raw", 1, 42), 1));
        assertThat(events.get(1).messageId()).startsWith(EnrichedFields.GENERATED_ID_PREFIX);
        assertThat(events.get(1).json()).doesNotContain("writeKey");
        assertThat(events.get(0).receivedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void anUnreadableEnvelopeGivesNoReceivedEvents() {
        assertThat(RecordReader.received(record("p.ingest.raw", 1, "x", bytes("[]"), new RecordHeaders())))
                .isEmpty();
    }
}
