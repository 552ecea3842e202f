package dev.sluice.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.DeliveryLogEntry.Event;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryLogEntryTest {

    @Test
    void readsBackWhatItWrites() {
        DeliveryLogEntry failed = new DeliveryLogEntry("sink-forwarder", "sluice-sink-forwarder",
                Outcome.DEAD_LETTERED, 1_764_000_000_123L, "http_400", "bad \"event\" é", 0,
                List.of(new Event("m-1", "proj", "track", 1_764_000_000_000L, 3), new Event(null, null, null, 5, 1)));
        DeliveryLogEntry retrying = new DeliveryLogEntry("sink-webhook", "sluice-sink-webhook.crm", Outcome.RETRYING,
                10, "http_503", "unavailable", 2_000, List.of(new Event("m-2", "p", "identify", 9, 1)));
        DeliveryLogEntry delivered = new DeliveryLogEntry("sink-firehose", "sluice-sink-firehose", Outcome.DELIVERED,
                10, null, null, 0, List.of());

        for (DeliveryLogEntry e : List.of(failed, retrying, delivered)) {
            assertThat(DeliveryLogEntry.parse(e.toJson())).isEqualTo(e);
        }
    }

    @Test
    void deliveredEntriesStayCompact() {
        DeliveryLogEntry delivered = new DeliveryLogEntry("sink-firehose", "sluice-sink-firehose", Outcome.DELIVERED,
                10, null, null, 0, List.of(new Event("m-1", "proj", "track", 9, 1)));
        assertThat(new String(delivered.toJson(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"v\":1,\"sink\":\"sink-firehose\",\"group\":\"sluice-sink-firehose\",\"outcome\":\"delivered\","
                        + "\"at\":10,\"events\":[{\"id\":\"m-1\",\"p\":\"proj\",\"t\":\"track\",\"ts\":9,\"n\":1}]}");
    }

    @Test
    void skipsWhatItCannotRead() {
        assertThat(DeliveryLogEntry.parse("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(DeliveryLogEntry.parse("{\"v\":2,\"outcome\":\"delivered\",\"events\":[]}"
                .getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(DeliveryLogEntry.parse("{\"v\":1,\"outcome\":\"teleported\",\"events\":[]}"
                .getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(DeliveryLogEntry.parse("[1]".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
