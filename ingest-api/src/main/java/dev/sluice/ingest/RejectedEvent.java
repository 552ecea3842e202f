package dev.sluice.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.Rejection;

/** An event of a request that failed validation, kept with its reason for {@code events.rejected}. */
public record RejectedEvent(ObjectNode event, Rejection rejection) {
}
