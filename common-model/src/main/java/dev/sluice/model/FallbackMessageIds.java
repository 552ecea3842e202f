package dev.sluice.model;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The messageId an event sent without one gets: derived from where it sits in {@code ingest.raw}, so a re-run
 * of the router over the same records gives the same ids (deduplication holds) and the console can link the
 * routed event back to its request.
 */
public final class FallbackMessageIds {

    private FallbackMessageIds() {
    }

    /** Where a raw record sits: {@code topic/partition/offset}. */
    public static String origin(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** The id of the {@code index}-th event of the raw record at {@code origin}. */
    public static String of(String projectId, String origin, int index) {
        return "sluice-" + UUID.nameUUIDFromBytes((projectId + "/" + origin + "/" + index)
                .getBytes(StandardCharsets.UTF_8));
    }
}
