package dev.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    public byte[] toBytes() {
        List<byte[]> events = new ArrayList<>(batch.size());
        batch.forEach(e -> events.add(SegmentJson.toBytes(e)));
        return encode(projectId, receivedAt, sentAt, ip, userAgent, context, integrations, events);
    }

    /**
     * Writes an envelope whose events are already JSON bytes, copied in as they are: ingest-api stores
     * what the client sent without building a tree per event.
     */
    public static byte[] encode(String projectId, Instant receivedAt, String sentAt, String ip, String userAgent,
                                JsonNode context, JsonNode integrations, List<byte[]> events) {
        ObjectNode head = SegmentJson.newObject();
        head.put("projectId", projectId);
        head.put("receivedAt", IsoInstant.format(receivedAt));
        putIfPresent(head, "sentAt", sentAt);
        putIfPresent(head, "ip", ip);
        putIfPresent(head, "userAgent", userAgent);
        if (context != null && !context.isNull()) {
            head.set("context", context);
        }
        if (integrations != null && !integrations.isNull()) {
            head.set("integrations", integrations);
        }
        byte[] headBytes = SegmentJson.toBytes(head); // {...}: reopened to append the batch
        int size = headBytes.length + 12;
        for (byte[] e : events) {
            size += e.length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(headBytes, 0, headBytes.length - 1);
        out.writeBytes(",\"batch\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(events.get(i));
        }
        out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
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
