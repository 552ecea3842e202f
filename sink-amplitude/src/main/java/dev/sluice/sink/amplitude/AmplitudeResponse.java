package dev.sluice.sink.amplitude;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.SegmentJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an HTTP V2 error body says about single events: for a 400 which events it refused and why
 * ({@code events_with_invalid_fields}, {@code events_with_missing_fields},
 * {@code events_with_invalid_id_lengths}, {@code silenced_events}/{@code silenced_devices}), for a 429
 * which users and devices it throttles ({@code throttled_users}, {@code throttled_devices},
 * {@code throttled_events}, {@code exceeded_daily_quota_users}/{@code _devices}).
 *
 * @param refused event index (in the request) → what was wrong with it
 */
record AmplitudeResponse(String error, Map<Integer, List<String>> refused, Set<String> silencedDevices,
                         Set<String> throttledUsers, Set<String> throttledDevices, Set<Integer> throttledEvents,
                         Set<String> quotaUsers, Set<String> quotaDevices) {

    static AmplitudeResponse parse(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? SegmentJson.newObject()
                    : SegmentJson.parse(body.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            root = SegmentJson.newObject();
        }
        Map<Integer, List<String>> refused = new LinkedHashMap<>();
        indexesByField(root.path("events_with_invalid_fields"), "invalid ", refused);
        indexesByField(root.path("events_with_missing_fields"), "missing ", refused);
        indexesByField(root.path("events_with_invalid_id_lengths"), "too short ", refused);
        for (JsonNode i : root.path("silenced_events")) {
            if (i.canConvertToInt()) {
                refused.computeIfAbsent(i.asInt(), k -> new ArrayList<>()).add("silenced device");
            }
        }
        Set<Integer> throttledEvents = new HashSet<>();
        for (JsonNode i : root.path("throttled_events")) {
            if (i.canConvertToInt()) {
                throttledEvents.add(i.asInt());
            }
        }
        String error = root.path("error").asText("");
        return new AmplitudeResponse(error.isEmpty() ? abbreviate(body) : error, refused,
                texts(root.path("silenced_devices")), keys(root.path("throttled_users")),
                keys(root.path("throttled_devices")), throttledEvents, keys(root.path("exceeded_daily_quota_users")),
                keys(root.path("exceeded_daily_quota_devices")));
    }

    private static void indexesByField(JsonNode byField, String what, Map<Integer, List<String>> out) {
        byField.fields().forEachRemaining(f -> {
            for (JsonNode i : f.getValue()) {
                if (i.canConvertToInt()) {
                    out.computeIfAbsent(i.asInt(), k -> new ArrayList<>()).add(what + f.getKey());
                }
            }
        });
    }

    private static Set<String> keys(JsonNode object) {
        Set<String> out = new HashSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) : body;
    }
}
