package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request body reduced to its events and the batch envelope fields that apply to all of them.
 *
 * @param sentAt the envelope's {@code sentAt} text, or null
 * @param bodyWriteKey the writeKey sent in the body (envelope, else first event), or null
 */
public record ParsedRequest(String sentAt, JsonNode context, JsonNode integrations, String bodyWriteKey,
                            List<IncomingEvent> events) {
}
