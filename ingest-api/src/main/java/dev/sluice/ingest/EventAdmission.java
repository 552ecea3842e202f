package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.EventEnricher;
import dev.sluice.model.EventValidator;
import dev.sluice.model.Rejection;
import dev.sluice.model.SegmentJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, event by event, what a request may store: an event is admitted only if the router can
 * route it as it is (Segment's rules, timestamps the skew correction can use, a size that stays
 * within the per-event limit once the envelope's context and integrations are merged in).
 * The rest are rejected one by one with their reasons, never their neighbours with them.
 */
final class EventAdmission {

    private final EventValidator validator = new EventValidator();
    private final int maxEventBytes;

    EventAdmission(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * The request's events split into admitted and rejected. Refuses the whole request when its
     * envelope, merged into every admitted event, would add more bytes than the request has: what a
     * request makes Sluice write stays a small multiple of its own size.
     *
     * @param bodyBytes the decoded request body's size
     */
    Decision decide(ParsedRequest request, int bodyBytes, Instant receivedAt) {
        int contextBytes = storedSize(request.context());
        int integrationsBytes = storedSize(request.integrations());
        List<IncomingEvent> valid = new ArrayList<>(request.events().size());
        List<RejectedEvent> rejected = new ArrayList<>();
        for (IncomingEvent event : request.events()) {
            Rejection problem = event.refused() != null ? event.refused()
                    : validator.validate(event.fields(), receivedAt, request.sentAt()).orElse(null);
            if (problem == null && EventEnricher.maxMergedBytes(event.clientBytes(), event.exponentNumbers(),
                    contextBytes, integrationsBytes) > maxEventBytes) {
                problem = new Rejection("payload_too_large", "with the batch's context and integrations merged in, "
                        + "this event could exceed " + maxEventBytes + " bytes");
            }
            if (problem == null) {
                valid.add(event);
            } else {
                rejected.add(new RejectedEvent(event, problem));
            }
        }
        long merged = (long) (contextBytes + integrationsBytes) * valid.size();
        if (merged > bodyBytes) {
            throw IngestException.badRequest("envelope_too_large", "the batch's context and integrations ("
                    + (contextBytes + integrationsBytes) + " bytes) would be merged into each of its " + valid.size()
                    + " events, more bytes than the request itself has; send them with the events instead");
        }
        return new Decision(valid, rejected);
    }

    /** The size of an envelope field as the router will read it back (0 when absent). */
    private static int storedSize(JsonNode value) {
        return value == null || value.isNull() ? 0 : SegmentJson.toBytes(value).length;
    }

    /** What a request stores: admitted events go to {@code ingest.raw}, rejected ones to {@code events.rejected}. */
    record Decision(List<IncomingEvent> valid, List<RejectedEvent> rejected) {
    }
}
