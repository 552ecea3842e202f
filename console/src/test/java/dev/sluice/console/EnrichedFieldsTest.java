package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.model.EventEnricher;
import dev.sluice.model.RawEnvelope;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnrichedFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void marksWhatTheRealEnricherAddedOrChangedAndNothingTheClientSentAsIs() throws Exception {
        String sent = "{\"type\":\"track\",\"event\":\"E\",\"userId\":\"u\",\"messageId\":\"m1\","
                + "\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"context\":{\"locale\":\"en\"}}";
        JsonNode received = JSON.readTree(sent);
        RawEnvelope envelope = new RawEnvelope("shop", Instant.parse("2026-01-01T00:00:05Z"),
                "2026-01-01T00:00:01.000Z", "10.1.2.3", null, null, null, JSON.createArrayNode());
        JsonNode stored = new EventEnricher().enrich((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(sent),
                envelope, "unused");

        assertThat(EnrichedFields.of(stored, received)).containsExactlyInAnyOrder("projectId", "receivedAt", "sentAt",
                "originalTimestamp", "timestamp", "context.ip");
    }

    @Test
    void withoutTheReceivedFormMarksEveryFieldTheRouterWritesAndAGeneratedMessageId() throws Exception {
        JsonNode stored = JSON.readTree("{\"projectId\":\"p\",\"messageId\":\"sluice-1\",\"receivedAt\":\"x\","
                + "\"timestamp\":\"x\",\"originalTimestamp\":\"x\",\"event\":\"E\"}");
        JsonNode clientId = JSON.readTree("{\"projectId\":\"p\",\"messageId\":\"abc\"}");

        assertThat(EnrichedFields.of(stored, null)).containsExactly("projectId", "messageId", "receivedAt",
                "originalTimestamp", "timestamp");
        assertThat(EnrichedFields.of(clientId, null)).containsExactly("projectId");
    }
}
