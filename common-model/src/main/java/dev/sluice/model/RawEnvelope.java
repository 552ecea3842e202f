package dev.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One accepted HTTP request as stored in {@code ingest.raw}: the events as sent plus what only the
 * server knows (project, receipt time, client address). Never holds the writeKey.
 *
 * @param sentAt the client's {@code sentAt} text as sent, or null
 * @param context the batch envelope's {@code context}, merged into each event by the router; or null
 * @param integrations the batch envelope's {@code integrations}; or null
 */
public record RawEnvelope(String projectId, Instant receivedAt, String sentAt, String ip, String userAgent,
                          JsonNode context, JsonNode integrations, ArrayNode batch) {

    public ObjectNode toJson() {
        ObjectNode out = SegmentJson.newObject();
        out.put("projectId", projectId);
        out.put("receivedAt", IsoInstant.format(receivedAt));
        putIfPresent(out, "sentAt", sentAt);
        putIfPresent(out, "ip", ip);
        putIfPresent(out, "userAgent", userAgent);
        if (context != null && !context.isNull()) {
            out.set("context", context);
        }
        if (integrations != null && !integrations.isNull()) {
            out.set("integrations", integrations);
        }
        out.set("batch", batch);
        return out;
    }

    public byte[] toBytes() {
        return SegmentJson.toBytes(toJson());
    }

    /** Reads an envelope back; throws {@link IllegalArgumentException} saying what is wrong with it. */
    public static RawEnvelope parse(byte[] bytes) {
        JsonNode root;
        try {
            root = SegmentJson.parse(bytes);
        } catch (SegmentJson.InvalidJsonException e) {
            throw new IllegalArgumentException("raw record is not JSON: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("raw record is not a JSON object");
        }
        JsonNode project = root.get("projectId");
        if (project == null || !project.isTextual() || project.asText().isEmpty()) {
            throw new IllegalArgumentException("raw record has no projectId");
        }
        Instant receivedAt = IsoInstant.parse(root.get("receivedAt"))
                .orElseThrow(() -> new IllegalArgumentException("raw record has no valid receivedAt"));
        JsonNode batch = root.get("batch");
        if (batch == null || !batch.isArray()) {
            throw new IllegalArgumentException("raw record has no batch array");
        }
        return new RawEnvelope(project.asText(), receivedAt, text(root.get("sentAt")), text(root.get("ip")),
                text(root.get("userAgent")), root.get("context"), root.get("integrations"), (ArrayNode) batch);
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private static void putIfPresent(ObjectNode out, String field, String value) {
        if (value != null) {
            out.put(field, value);
        }
    }
}
