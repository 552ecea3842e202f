package dev.sluice.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event of a request.
 *
 * @param fields what validation looks at: the event's top-level fields (nested objects and arrays may
 *               be empty stand-ins, since the rules only ask whether they are objects)
 * @param json the event's bytes as they will be stored, without any writeKey
 */
public record IncomingEvent(ObjectNode fields, byte[] json) {
}
