package dev.sluice.ingest;

import dev.sluice.model.Rejection;

/** An event of a request that failed validation, kept with its reason for {@code events.rejected}. */
public record RejectedEvent(IncomingEvent event, Rejection rejection) {
}
