package dev.sluice.sink.amplitude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sluice.model.SegmentJson;
import dev.sluice.testsupport.HttpStandIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Amplitude's {@code POST /2/httpapi} on loopback, with its response shapes: 200 with
 * {@code events_ingested}; 400 {@code Invalid API key}; 400 naming events in
 * {@code events_with_missing_fields} / {@code events_with_invalid_fields} /
 * {@code events_with_invalid_id_lengths}; 413 over a body limit; 429 naming {@code throttled_devices}
 * and {@code throttled_events}; injected 500s and slowness. A refused request ingests nothing.
 */
final class AmplitudeStandIn extends HttpStandIn {

    /** One ingested event, the API key it came with, the order and time it was accepted in. */
    record Received(String apiKey, JsonNode event, long seq, long atMillis) {
        String insertId() {
            return event.path("insert_id").asText();
        }
    }

    /** One request answered 429: the insert_ids it held, and the devices it named. */
    record Throttle(List<String> insertIds, Set<String> devices) {
    }

    final Queue<Received> received = new ConcurrentLinkedQueue<>();
    final Queue<Throttle> throttles = new ConcurrentLinkedQueue<>();
    final Set<String> apiKeys = ConcurrentHashMap.newKeySet();
    /** insert_ids whose event Amplitude calls invalid (its {@code event_properties} field). */
    final Set<String> invalidInsertIds = ConcurrentHashMap.newKeySet();
    /** Devices answered 429 while {@link #throttleResponses} lasts. */
    final Set<String> throttledDevices = ConcurrentHashMap.newKeySet();
    final AtomicInteger throttleResponses = new AtomicInteger();
    final AtomicInteger status400 = new AtomicInteger();
    final AtomicInteger status413 = new AtomicInteger();
    volatile int maxBodyBytes = 1_000_000;
    private final AtomicLong seq = new AtomicLong();

    AmplitudeStandIn(String... keys) throws IOException {
        super("/2/httpapi", 4);
        failStatus = 500;
        apiKeys.addAll(List.of(keys));
    }

    String url() {
        return baseUrl() + "/2/httpapi";
    }

    List<String> insertIds() {
        return received.stream().map(Received::insertId).toList();
    }

    @Override
    protected void fail(HttpExchange ex, int status) throws IOException {
        send(ex, status, "{\"code\":" + status + ",\"error\":\"injected\"}");
    }

    @Override
    protected void handle(HttpExchange ex, byte[] raw) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, "{\"code\":405,\"error\":\"method not allowed\"}");
            return;
        }
        if (raw.length > maxBodyBytes) {
            status413.incrementAndGet();
            send(ex, 413, "{\"code\":413,\"error\":\"Payload too large\"}");
            return;
        }
        JsonNode body = SegmentJson.parse(raw);
        String key = body.path("api_key").asText("");
        if (!apiKeys.contains(key)) {
            status400.incrementAndGet();
            send(ex, 400, "{\"code\":400,\"error\":\"Invalid API key: " + key + "\"}");
            return;
        }
        JsonNode events = body.path("events");
        if (!events.isArray() || events.isEmpty()) {
            status400.incrementAndGet();
            send(ex, 400, "{\"code\":400,\"error\":\"Request missing required field\",\"missing_field\":\"events\"}");
            return;
        }
        if (events.size() > 2000) {
            status413.incrementAndGet();
            send(ex, 413, "{\"code\":413,\"error\":\"Payload too large\"}");
            return;
        }
        int minIdLength = body.path("options").path("min_id_length").asInt(5);
        Map<String, List<Integer>> missing = new TreeMap<>();
        Map<String, List<Integer>> invalid = new TreeMap<>();
        Map<String, List<Integer>> shortIds = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            if (e.path("event_type").asText("").isEmpty()) {
                missing.computeIfAbsent("event_type", k -> new ArrayList<>()).add(i);
            }
            if (!e.has("user_id") && !e.has("device_id")) {
                missing.computeIfAbsent("user_id", k -> new ArrayList<>()).add(i);
            }
            for (String id : List.of("user_id", "device_id")) {
                if (e.has(id) && e.get(id).asText().length() < minIdLength) {
                    shortIds.computeIfAbsent(id, k -> new ArrayList<>()).add(i);
                }
            }
            if (invalidInsertIds.contains(e.path("insert_id").asText())) {
                invalid.computeIfAbsent("event_properties", k -> new ArrayList<>()).add(i);
            }
        }
        if (!missing.isEmpty() || !invalid.isEmpty() || !shortIds.isEmpty()) {
            status400.incrementAndGet();
            ObjectNode r = SegmentJson.newObject();
            r.put("code", 400);
            r.put("error", !shortIds.isEmpty() ? "Invalid id length for user_id or device_id"
                    : !missing.isEmpty() ? "Request missing required field" : "Invalid field values on some events");
            putIndexes(r, "events_with_missing_fields", missing);
            putIndexes(r, "events_with_invalid_fields", invalid);
            putIndexes(r, "events_with_invalid_id_lengths", shortIds);
            send(ex, 400, SegmentJson.toString(r));
            return;
        }
        if (throttleResponses.get() > 0 && !throttledDevices.isEmpty()) {
            List<Integer> hot = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                ids.add(events.get(i).path("insert_id").asText());
                if (throttledDevices.contains(events.get(i).path("device_id").asText())) {
                    hot.add(i);
                }
            }
            if (!hot.isEmpty() && throttleResponses.getAndDecrement() > 0) {
                throttles.add(new Throttle(ids, Set.copyOf(throttledDevices)));
                ObjectNode r = SegmentJson.newObject();
                r.put("code", 429);
                r.put("error", "Too many requests for some devices and users");
                r.put("eps_threshold", 30);
                ObjectNode devices = r.putObject("throttled_devices");
                throttledDevices.forEach(d -> devices.put(d, 31));
                r.putObject("throttled_users");
                ArrayNode te = r.putArray("throttled_events");
                hot.forEach(te::add);
                send(ex, 429, SegmentJson.toString(r));
                return;
            }
        }
        long now = System.currentTimeMillis();
        for (JsonNode e : events) {
            received.add(new Received(key, e, seq.incrementAndGet(), now));
        }
        send(ex, 200, "{\"code\":200,\"events_ingested\":" + events.size() + ",\"payload_size_bytes\":" + raw.length
                + ",\"server_upload_time\":" + now + "}");
    }

    private static void putIndexes(ObjectNode r, String field, Map<String, List<Integer>> byField) {
        if (!byField.isEmpty()) {
            ObjectNode o = r.putObject(field);
            byField.forEach((f, idx) -> idx.forEach(o.putArray(f)::add));
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
}
