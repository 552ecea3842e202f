package dev.sluice.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.Rejection;

/**
 * One event of a request.
 *
 * @param fields what validation looks at: the event's top-level fields (nested objects and arrays may
 *               be empty stand-ins, since the rules only ask whether they are objects)
 * @param json the event's bytes as they will be stored, without any writeKey
 * @param clientBytes what of {@code json} counts against the per-event limit (all of it, but the
 *                    {@code type} a single-event route adds)
 * @param exponentNumbers floats in it written with an exponent (they may grow when the router re-writes them)
 * @param refused why the JSON policy refuses this event while reading it (a number out of range), or null
 */
public record IncomingEvent(ObjectNode fields, byte[] json, int clientBytes, int exponentNumbers, Rejection refused) {

    IncomingEvent(ObjectNode fields, byte[] json) {
        this(fields, json, json.length, 0, null);
    }
}
