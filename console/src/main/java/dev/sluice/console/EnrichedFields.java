package dev.sluice.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Which fields of a stored event the router set or changed (common-model's EventEnricher): projectId,
 * a generated messageId, receivedAt, sentAt, originalTimestamp, timestamp and context.ip.
 */
final class EnrichedFields {

    /** The fields EventEnricher may write, as dotted paths. */
    static final List<String> CANDIDATES = List.of("projectId", "messageId", "receivedAt", "sentAt",
            "originalTimestamp", "timestamp", "context.ip");
    /** The prefix of the messageId the router gives an event sent without one. */
    static final String GENERATED_ID_PREFIX = "sluice-";

    private EnrichedFields() {
    }

    /**
     * @param received the event as the client sent it, or null when the console does not have it: then
     *                 every field the router always writes counts, and a messageId only when generated
     */
    static List<String> of(JsonNode stored, JsonNode received) {
        List<String> out = new ArrayList<>();
        for (String path : CANDIDATES) {
            JsonNode now = at(stored, path);
            if (now == null) {
                continue;
            }
            if (received != null) {
                if (!now.equals(at(received, path))) {
                    out.add(path);
                }
            } else if (!path.equals("messageId") || now.asText().startsWith(GENERATED_ID_PREFIX)) {
                out.add(path);
            }
        }
        return out;
    }

    private static JsonNode at(JsonNode node, String path) {
        JsonNode n = node;
        for (String part : path.split("\\.")) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(part);
        }
        return n == null || n.isMissingNode() ? null : n;
    }
}
