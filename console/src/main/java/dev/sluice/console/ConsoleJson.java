package dev.sluice.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** The console API's JSON: summaries for lists and the live feed, details for one event's path. */
final class ConsoleJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsoleJson() {
    }

    static ObjectNode summary(IndexedEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.id());
        o.put("status", e.status().name().toLowerCase(java.util.Locale.ROOT));
        o.put("topic", e.topic());
        o.put("partition", e.partition());
        o.put("offset", e.offset());
        o.put("time", e.time().toString());
        o.put("projectId", e.projectId());
        o.put("type", e.type());
        o.put("name", e.name());
        o.put("userId", e.userId());
        o.put("anonymousId", e.anonymousId());
        o.put("messageId", e.messageId());
        if (e.failure() != null) {
            o.put("reasonCode", e.failure().code());
            o.put("reason", e.failure().reason());
            o.put("stage", e.failure().stage());
        }
        return o;
    }

    /** One routed or rejected event with its JSON as stored, the fields the router set, and as received. */
    static ObjectNode detail(IndexedEvent e, List<ReceivedEvent> receivedCandidates) {
        ObjectNode o = summary(e);
        JsonNode stored = e.json() == null ? null : parse(e.json());
        o.set("stored", stored);
        if (e.text() != null) {
            o.put("storedText", e.text());
        }
        ReceivedEvent received = receivedCandidates.stream()
                .filter(r -> e.projectId() == null || e.projectId().equals(r.projectId()))
                .reduce((a, b) -> b).orElse(null);
        JsonNode receivedJson = received == null ? null : parse(received.json());
        if (received != null) {
            ObjectNode r = o.putObject("received");
            r.put("receivedAt", received.receivedAt().toString());
            r.put("topic", received.topic());
            r.put("partition", received.partition());
            r.put("offset", received.offset());
            r.put("index", received.index());
            r.set("event", receivedJson);
        } else {
            o.putNull("received");
        }
        ArrayNode paths = o.putArray("enriched");
        if (stored != null && e.status() == IndexedEvent.Status.ROUTED) {
            EnrichedFields.of(stored, receivedJson).forEach(paths::add);
        }
        if (e.failure() != null) {
            ObjectNode f = o.putObject("failure");
            f.put("code", e.failure().code());
            f.put("reason", e.failure().reason());
            f.put("stage", e.failure().stage());
            f.put("attempts", e.failure().attempts());
            f.put("firstFailure", e.failure().firstFailure());
            f.put("lastFailure", e.failure().lastFailure());
        }
        return o;
    }

    /** One event's latest status in one sink group, from the delivery log. */
    static ObjectNode status(Deliveries.Status s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("group", s.group());
        o.put("sink", s.sink());
        o.put("outcome", s.outcome().wireName());
        o.put("at", java.time.Instant.ofEpochMilli(s.atMillis()).toString());
        o.put("code", s.code());
        o.put("reason", s.reason());
        if (s.nextAttemptAtMillis() > 0) {
            o.put("nextAttemptAt", java.time.Instant.ofEpochMilli(s.nextAttemptAtMillis()).toString());
        }
        o.put("attempts", s.attempts());
        o.put("latencyMs", s.latencyMillis());
        o.put("projectId", s.projectId());
        o.put("type", s.type());
        return o;
    }

    static ObjectNode path(RecentEvents.EventPath path, Map<String, Deliveries.Status> statuses) {
        ObjectNode o = JSON.createObjectNode();
        o.put("messageId", path.messageId());
        ArrayNode received = o.putArray("received");
        for (ReceivedEvent r : path.received()) {
            ObjectNode n = received.addObject();
            n.put("projectId", r.projectId());
            n.put("receivedAt", r.receivedAt().toString());
            n.put("topic", r.topic());
            n.put("partition", r.partition());
            n.put("offset", r.offset());
        }
        ArrayNode routed = o.putArray("routed");
        path.routed().forEach(e -> routed.add(detail(e, path.received())));
        ArrayNode rejected = o.putArray("rejected");
        path.rejected().forEach(e -> rejected.add(detail(e, path.received())));
        ArrayNode deliveries = o.putArray("deliveries"); // by group name
        statuses.values().forEach(s -> deliveries.add(status(s)));
        return o;
    }

    static ObjectNode list(List<IndexedEvent> events) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode a = o.putArray("events");
        events.forEach(e -> a.add(summary(e)));
        return o;
    }

    static ObjectNode rejected(Map<String, Integer> reasons, List<IndexedEvent> events) {
        ObjectNode o = list(events);
        ObjectNode r = o.putObject("reasons");
        reasons.forEach(r::put);
        return o;
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static ObjectNode error(String code, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("code", code);
        o.put("message", message);
        return o;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("kept JSON no longer parses", e);
        }
    }
}
