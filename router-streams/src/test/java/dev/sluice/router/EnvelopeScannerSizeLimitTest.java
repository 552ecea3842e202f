package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.EventEnricher;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The size limit around its edge: an event may exceed the bare limit by what Sluice's own fields add
 * (the scanner sizes those only for an event over the bare limit), and not by one byte more.
 */
class EnvelopeScannerSizeLimitTest {

    private static final byte[] ENVELOPE = ("{\"projectId\":\"proj-1\",\"receivedAt\":\"2026-01-01T00:00:00.000Z\","
            + "\"ip\":\"203.0.113.7\",\"batch\":[{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"u-1\","
            + "\"messageId\":\"m-1\",\"properties\":{\"pad\":\"" + "x".repeat(2000) + "\"}}]}")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void anEventOverTheBareLimitIsRoutedUpToWhatTheEnvelopeAddsAndRejectedBeyond() {
        int routedLength = ((EnvelopeScanner.Routed) scan(1 << 20)).value().length;
        int added = EventEnricher.maxAddedBytes("proj-1", "203.0.113.7");
        assertThat(added).isPositive().isLessThan(routedLength);

        assertThat(scan(routedLength)).isInstanceOf(EnvelopeScanner.Routed.class);
        assertThat(scan(routedLength - 1)).isInstanceOf(EnvelopeScanner.Routed.class);
        assertThat(scan(routedLength - added)).isInstanceOf(EnvelopeScanner.Routed.class);

        EnvelopeScanner.Outcome over = scan(routedLength - added - 1);
        assertThat(over).isInstanceOf(EnvelopeScanner.Rejected.class);
        EnvelopeScanner.Rejected rejected = (EnvelopeScanner.Rejected) over;
        assertThat(rejected.why().code()).isEqualTo("payload_too_large");
        assertThat(rejected.why().message()).isEqualTo("with the envelope merged in, this event is " + routedLength
                + " bytes, more than " + (routedLength - 1));
        assertThat(rejected.type()).isEqualTo("track");
    }

    private static EnvelopeScanner.Outcome scan(int maxEventBytes) {
        EnvelopeScanner.Split split = new EnvelopeScanner(maxEventBytes).scan(ENVELOPE, "ingest.raw/0/1");
        assertThat(split.events()).hasSize(1);
        return split.events().get(0);
    }
}
