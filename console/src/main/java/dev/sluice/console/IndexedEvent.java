package dev.sluice.console;

import java.time.Instant;

/**
 * One event the console read from a typed topic or from {@code events.rejected}: where it sits in Kafka,
 * the fields the filters use, and its JSON as stored (writeKeys removed).
 *
 * @param type the event's type ({@code track}, …), or null when a rejected record has none
 * @param name a track's {@code event}, a page's or screen's {@code name}; else null
 * @param json the value as stored when it is JSON, else null (see {@code text})
 * @param text the value as UTF-8 text when it is not JSON (a malformed record), else null
 * @param failure why it was rejected; null for a routed event
 */
public record IndexedEvent(Status status, String topic, int partition, long offset, Instant time,
                           String projectId, String type, String name, String userId, String anonymousId,
                           String messageId, String json, String text, Failure failure) {

    /** Where the event ended up. */
    public enum Status { ROUTED, REJECTED }

    /** The {@code sluice.error.*} headers of a rejected record, as text. */
    public record Failure(String code, String reason, String stage, String attempts, String firstFailure,
                          String lastFailure) {
    }

    /** {@code topic/partition/offset}: unique, and what the page links to. */
    public String id() {
        return topic + "/" + partition + "/" + offset;
    }
}
