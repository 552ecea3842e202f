package dev.sluice.console;

import java.time.Instant;

/**
 * One event as the client sent it, read from an {@code ingest.raw} envelope (writeKeys removed).
 *
 * @param messageId the client's messageId, or the one the router derives for an event sent without
 */
public record ReceivedEvent(String projectId, String messageId, Instant receivedAt, String topic, int partition,
                            long offset, int index, String json) {
}
