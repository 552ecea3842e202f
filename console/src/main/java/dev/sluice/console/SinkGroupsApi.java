package dev.sluice.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import dev.sluice.model.EventType;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.Topics;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The API of the Destinations, DLQ and Replay views: per sink group figures, its DLQ and redrive, replays. */
final class SinkGroupsApi {

    private static final Logger LOG = LoggerFactory.getLogger(SinkGroupsApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Destinations are read from the cluster at most this often, however many pages ask. */
    static final long DESTINATIONS_CACHE_MS = 3_000;

    private final Topics topics;
    private final Deliveries deliveries;
    private final ConsumerLag lag;
    private final DeadLetters deadLetters;
    private final Replays replays;
    private final ConsoleMetrics metrics;
    private final DeliveryFeed feed;
    private final Clock clock;
    private ObjectNode destinations;
    private long destinationsAt;

    SinkGroupsApi(Topics topics, Deliveries deliveries, ConsumerLag lag, DeadLetters deadLetters, Replays replays,
                  ConsoleMetrics metrics, DeliveryFeed feed, Clock clock) {
        this.topics = topics;
        this.deliveries = deliveries;
        this.lag = lag;
        this.deadLetters = deadLetters;
        this.replays = replays;
        this.metrics = metrics;
        this.feed = feed;
        this.clock = clock;
    }

    /** Every sink group: seen in the delivery log or named {@code sluice-sink-*} in the cluster. */
    synchronized void destinations(Context ctx) {
        if (destinations == null || clock.millis() - destinationsAt > DESTINATIONS_CACHE_MS) {
            destinations = readDestinations();
            destinationsAt = clock.millis();
        }
        json(ctx, destinations);
    }

    private ObjectNode readDestinations() {
        ObjectNode o = JSON.createObjectNode();
        TreeSet<String> names = new TreeSet<>(deliveries.groupNames());
        try {
            names.addAll(lag.sinkGroups());
        } catch (Exception e) {
            o.put("clusterError", "cannot list consumer groups: " + e.getMessage());
        }
        ArrayNode groups = o.putArray("groups");
        for (String group : names) {
            ObjectNode g = groups.addObject();
            g.put("group", group);
            String sink = deliveries.sinkOf(group);
            g.put("sink", sink);
            if (sink != null) {
                g.put("retryTopic", topics.retry(sink, group));
                g.put("dlqTopic", topics.dlq(sink, group));
            }
            Deliveries.GroupView v = deliveries.group(group);
            g.put("logged", v != null);
            if (v != null) {
                g.put("lastAt", Instant.ofEpochMilli(v.lastAtMillis()).toString());
                ObjectNode perMinute = g.putObject("perMinute"); // over the last five minutes
                v.lastFiveMinutes().forEach((outcome, n) -> perMinute.put(outcome.wireName(), n / 5.0));
                ArrayNode minutes = g.putArray("minutes");
                for (Deliveries.Minute m : v.minutes()) {
                    ObjectNode mm = minutes.addObject();
                    mm.put("start", Instant.ofEpochMilli(m.startMillis()).toString());
                    for (Outcome outcome : Outcome.values()) {
                        mm.put(outcome.wireName(), m.counts()[outcome.ordinal()]);
                    }
                }
                putNullable(g, "p50Ms", v.p50Millis());
                putNullable(g, "p95Ms", v.p95Millis());
                g.put("latencySamples", v.latencySamples());
                ArrayNode errors = g.putArray("lastErrors");
                for (Deliveries.Failure f : v.lastErrors()) {
                    ObjectNode e = errors.addObject();
                    e.put("outcome", f.outcome().wireName());
                    e.put("at", Instant.ofEpochMilli(f.atMillis()).toString());
                    e.put("code", f.code());
                    e.put("reason", f.reason());
                    e.put("events", f.events());
                    e.put("messageId", f.firstMessageId());
                }
            }
            try {
                ConsumerLag.Lag l = sink == null ? null : lag.of(group, topics.retry(sink, group));
                if (l != null) {
                    g.put("lagRecords", l.records());
                    putNullable(g, "lagSeconds", l.seconds());
                    g.put("parked", l.parked());
                }
            } catch (Exception e) {
                g.put("lagError", e.getMessage());
            }
        }
        return o;
    }

    /** A group's DLQ, newest records per partition, with reasons and each record's status from the log. */
    void dlq(Context ctx) {
        String group = ctx.pathParam("group");
        String sink = sinkOr404(ctx, group);
        if (sink == null) {
            return;
        }
        String reason = blankToNull(ctx.queryParam("reason"));
        List<DeadLetters.DeadRecord> all = deadLetters.browse(topics.dlq(sink, group), null);
        ObjectNode o = JSON.createObjectNode();
        o.put("group", group);
        o.put("dlqTopic", topics.dlq(sink, group));
        o.put("retryTopic", topics.retry(sink, group));
        o.put("shownPerPartition", DeadLetters.BROWSE_PER_PARTITION);
        ObjectNode reasons = o.putObject("reasons");
        Map<String, Integer> counts = new java.util.TreeMap<>();
        all.forEach(d -> counts.merge(d.code(), 1, Integer::sum));
        counts.forEach(reasons::put);
        ArrayNode records = o.putArray("records");
        for (int i = all.size() - 1; i >= 0; i--) { // newest first
            DeadLetters.DeadRecord d = all.get(i);
            if (reason != null && !reason.equals(d.code())) {
                continue;
            }
            ObjectNode r = records.addObject();
            r.put("id", d.id());
            r.put("partition", d.partition());
            r.put("offset", d.offset());
            r.put("time", d.time().toString());
            r.put("projectId", d.projectId());
            r.put("messageId", d.messageId());
            r.put("type", d.type());
            r.put("code", d.code());
            r.put("reason", d.reason());
            r.put("stage", d.stage());
            r.put("attempts", d.attempts());
            r.put("firstFailure", d.firstFailure());
            r.put("lastFailure", d.lastFailure());
            r.put("value", d.value());
            Deliveries.Status s = d.messageId() == null ? null : deliveries.of(d.messageId()).get(group);
            if (s != null) {
                r.set("status", ConsoleJson.status(s));
            }
        }
        json(ctx, o);
    }

    /** {@code POST /api/dlq/{group}/redrive} with {@code {"ids":[…]}} or {@code {"reason":"http_400"}}. */
    void redrive(Context ctx) throws Exception {
        GroupPost post = groupPost(ctx);
        if (post == null) {
            return;
        }
        String group = post.group();
        String sink = post.sink();
        JsonNode body = post.body();
        String dlq = topics.dlq(sink, group);
        String retry = topics.retry(sink, group);
        int written;
        String what;
        if (body.path("ids").isArray() && !body.path("ids").isEmpty()) {
            List<String> ids = new ArrayList<>();
            body.path("ids").forEach(n -> ids.add(n.asText()));
            try {
                written = deadLetters.redrive(dlq, retry, ids);
            } catch (IllegalArgumentException e) {
                json(ctx.status(400), ConsoleJson.error("bad_request", e.getMessage()));
                return;
            }
            what = "ids";
        } else if (!body.path("reason").asText("").isBlank()) {
            written = deadLetters.redriveReason(dlq, retry, body.path("reason").asText());
            what = "reason:" + body.path("reason").asText();
        } else {
            json(ctx.status(400), ConsoleJson.error("bad_request", "send {\"ids\":[…]} or {\"reason\":\"<code>\"}"));
            return;
        }
        metrics.redriven(group, written);
        feed.touch(group);
        LOG.info("event=console_redrive group={} dlq={} retryTopic={} records={} selected={} by={} address={}",
                group, dlq, retry, written, what, AccessGuard.who(ctx), ctx.ip());
        ObjectNode o = JSON.createObjectNode();
        o.put("group", group);
        o.put("redriven", written);
        o.put("retryTopic", retry);
        json(ctx, o);
    }

    void replay(Context ctx) {
        Replays.Replay r = replays.of(ctx.pathParam("group"));
        json(ctx, r == null ? JSON.createObjectNode().put("group", ctx.pathParam("group")).putNull("state")
                : replayJson(r));
    }

    /** {@code POST /api/replay/{group}} with {@code {"from":iso,"to":iso,"types":["track",…]}}. */
    void startReplay(Context ctx) {
        GroupPost post = groupPost(ctx);
        if (post == null) {
            return;
        }
        String group = post.group();
        String sink = post.sink();
        JsonNode body = post.body();
        Instant from = IsoInstant.parse(body.path("from").asText(null)).orElse(null);
        Instant to = IsoInstant.parse(body.path("to").asText(null)).orElse(null);
        if (from == null || to == null) {
            json(ctx.status(400), ConsoleJson.error("bad_request", "from and to must be ISO-8601 instants"));
            return;
        }
        List<EventType> types = new ArrayList<>();
        for (JsonNode t : body.path("types")) {
            EventType type = EventType.fromWire(t.asText().toLowerCase(Locale.ROOT)).orElse(null);
            if (type == null) {
                json(ctx.status(400), ConsoleJson.error("bad_request", "no event type " + t.asText()));
                return;
            }
            types.add(type);
        }
        Replays.Replay r;
        try {
            r = replays.start(group, sink, from, to, types);
        } catch (IllegalStateException e) {
            json(ctx.status(409), ConsoleJson.error("replay_running", e.getMessage()));
            return;
        } catch (IllegalArgumentException e) {
            json(ctx.status(400), ConsoleJson.error("bad_request", e.getMessage()));
            return;
        }
        LOG.info("event=console_replay group={} from={} to={} types={} by={} address={}", group, r.from, r.to,
                r.types, AccessGuard.who(ctx), ctx.ip());
        json(ctx, replayJson(r));
    }

    void cancelReplay(Context ctx) {
        if (jsonBody(ctx) == null) {
            return;
        }
        Replays.Replay r = replays.cancel(ctx.pathParam("group"));
        if (r == null) {
            json(ctx.status(404), ConsoleJson.error("not_found", "no replay of " + ctx.pathParam("group")));
            return;
        }
        LOG.info("event=console_replay_cancel group={} by={} address={}", r.group, AccessGuard.who(ctx), ctx.ip());
        json(ctx, replayJson(r));
    }

    private static ObjectNode replayJson(Replays.Replay r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("group", r.group);
        o.put("retryTopic", r.retryTopic);
        o.put("from", r.from.toString());
        o.put("to", r.to.toString());
        ArrayNode types = o.putArray("types");
        r.types.forEach(t -> types.add(t.wireName()));
        o.put("startedAt", r.startedAt.toString());
        o.put("state", r.state.get().name().toLowerCase(Locale.ROOT));
        o.put("total", r.total.get());
        o.put("copied", r.copied.get());
        o.put("delivered", r.delivered());
        o.put("cancelRequested", r.cancel);
        o.put("error", r.error);
        o.put("finishedAt", r.finishedAt == null ? null : r.finishedAt.toString());
        return o;
    }

    /** A POST about one sink group: the group, the sink it belongs to, the JSON body. */
    private record GroupPost(String group, String sink, JsonNode body) {
    }

    /** The POST's group, sink and body; null once a 415, 400 or 404 has been answered instead. */
    private GroupPost groupPost(Context ctx) {
        String group = ctx.pathParam("group");
        JsonNode body = jsonBody(ctx);
        if (body == null) {
            return null;
        }
        String sink = sinkOr404(ctx, group);
        return sink == null ? null : new GroupPost(group, sink, body);
    }

    private String sinkOr404(Context ctx, String group) {
        String sink = deliveries.sinkOf(group);
        if (sink == null) {
            json(ctx.status(404), ConsoleJson.error("unknown_group", "the console does not know which sink " + group
                    + " belongs to: it has not seen it in the delivery log and its name is not sluice-<sink>[.<unit>]"));
        }
        return sink;
    }

    /**
     * The request's JSON body; null (with a 415 or 400 sent) otherwise. A cross-site HTML form cannot send
     * {@code application/json}, a second guard beside {@link AccessGuard}'s origin check.
     */
    private static JsonNode jsonBody(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            json(ctx.status(415), ConsoleJson.error("unsupported_media_type", "send application/json"));
            return null;
        }
        try {
            JsonNode n = JSON.readTree(ctx.bodyAsBytes());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return n;
        } catch (Exception e) {
            json(ctx.status(400), ConsoleJson.error("bad_request", "the body is not a JSON object"));
            return null;
        }
    }

    private static void putNullable(ObjectNode o, String field, Long value) {
        if (value == null) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void json(Context ctx, JsonNode body) {
        ctx.contentType("application/json").result(body.toString());
    }
}
