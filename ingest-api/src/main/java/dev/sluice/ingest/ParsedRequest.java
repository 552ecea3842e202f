package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A request body reduced to its events and the batch envelope fields that apply to all of them.
 *
 * @param sentAt the envelope's {@code sentAt} text, or null
 */
public record ParsedRequest(String sentAt, JsonNode context, JsonNode integrations, List<ObjectNode> events) {
}
