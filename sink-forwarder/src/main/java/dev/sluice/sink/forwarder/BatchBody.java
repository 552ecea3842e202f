package dev.sluice.sink.forwarder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.SegmentJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code /v1/batch} body Segment expects from a server library: events that keep their
 * {@code messageId} and corrected {@code timestamp}, and one {@code sentAt} of our own.
 */
final class BatchBody {

    /**
     * Fields Segment sets itself on receipt, or that are Sluice's own. The client's {@code sentAt} and
     * {@code originalTimestamp} must not travel: Segment would apply the skew correction a second time.
     */
    private static final List<String> DROPPED = List.of("sentAt", "originalTimestamp", "receivedAt", "projectId",
            "writeKey", "version", "channel");

    private BatchBody() {
    }

    /** The event as forwarded; throws {@link SegmentJson.InvalidJsonException} if the stored value is not JSON. */
    static ObjectNode event(byte[] stored) {
        JsonNode node = SegmentJson.parse(stored);
        if (!(node instanceof ObjectNode event)) {
            throw new SegmentJson.InvalidJsonException("stored event is not a JSON object");
        }
        DROPPED.forEach(event::remove);
        return event;
    }

    static byte[] encode(List<ObjectNode> events, String writeKey, Instant sentAt, boolean gzip) {
        ObjectNode body = SegmentJson.newObject();
        ArrayNode batch = body.putArray("batch");
        events.forEach(batch::add);
        body.put("sentAt", IsoInstant.format(sentAt));
        body.put("writeKey", writeKey);
        byte[] json = SegmentJson.toBytes(body);
        if (!gzip) {
            return json;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
