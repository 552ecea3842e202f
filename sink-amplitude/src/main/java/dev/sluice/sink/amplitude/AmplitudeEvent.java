package dev.sluice.sink.amplitude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.SegmentJson;
import dev.sluice.sink.Delivery;
import java.time.Instant;

/**
 * The Segment → Amplitude HTTP V2 mapping of one event (the table in the README): either the Amplitude
 * event, or the outcome of an event Amplitude cannot take.
 */
final class AmplitudeEvent {

    /** An event as Amplitude gets it, or why it is not sent ({@code refusal} set, {@code event} null). */
    record Mapped(ObjectNode event, Delivery refusal) {
        static Mapped of(ObjectNode event) {
            return new Mapped(event, null);
        }

        static Mapped refused(Delivery d) {
            return new Mapped(null, d);
        }
    }

    private final AmplitudeConfig config;

    AmplitudeEvent(AmplitudeConfig config) {
        this.config = config;
    }

    /** Maps a stored Segment event; {@code receivedMillis} is the time used when it has no timestamp. */
    Mapped map(byte[] stored, long receivedMillis) {
        JsonNode in;
        try {
            in = SegmentJson.parse(stored);
        } catch (SegmentJson.InvalidJsonException e) {
            return Mapped.refused(Delivery.permanentFailure("invalid_event", "stored event is not JSON: " + e.getMessage()));
        }
        if (!(in instanceof ObjectNode src)) {
            return Mapped.refused(Delivery.permanentFailure("invalid_event", "stored event is not a JSON object"));
        }
        String type = src.path("type").asText("");
        ObjectNode out = SegmentJson.newObject();
        switch (type) {
            case "track" -> {
                String name = text(src, "event");
                if (name == null) {
                    return Mapped.refused(Delivery.permanentFailure("invalid_event", "track without an event name"));
                }
                out.put("event_type", name);
                putObject(out, "event_properties", src.get("properties"));
            }
            case "identify" -> {
                out.put("event_type", "$identify");
                if (src.get("traits") instanceof ObjectNode traits && !traits.isEmpty()) {
                    out.putObject("user_properties").set("$set", traits);
                }
            }
            case "page", "screen" -> {
                out.put("event_type", viewName(type.equals("page") ? config.pageEvent() : config.screenEvent(), src, type));
                putObject(out, "event_properties", src.get("properties"));
            }
            case "group" -> {
                String groupId = text(src, "groupId");
                if (groupId == null) {
                    return Mapped.refused(Delivery.permanentFailure("invalid_event", "group without a groupId"));
                }
                out.put("event_type", "$identify");
                out.putObject("groups").put(config.groupType(), groupId);
                putObject(out, "group_properties", src.get("traits"));
            }
            case "alias" -> {
                return Mapped.refused(Delivery.discarded("alias_unsupported",
                        "Amplitude's HTTP V2 API has no alias: merging users is its User Mapping API's job"));
            }
            default -> {
                return Mapped.refused(Delivery.discarded("unsupported_type", "no Amplitude mapping for type '" + type + "'"));
            }
        }
        String userId = text(src, "userId");
        String deviceId = text(src, "anonymousId");
        boolean userOk = userId != null && userId.length() >= config.minIdLength();
        boolean deviceOk = deviceId != null && deviceId.length() >= config.minIdLength();
        if (!userOk && !deviceOk) {
            return Mapped.refused(Delivery.discarded("id_too_short", "neither userId (" + quoted(userId)
                    + ") nor anonymousId (" + quoted(deviceId) + ") has Amplitude's minimum length of "
                    + config.minIdLength()));
        }
        // a short id would make Amplitude refuse the event; the other one is enough
        if (userOk) {
            out.put("user_id", userId);
        }
        if (deviceOk) {
            out.put("device_id", deviceId);
        }
        Instant time = IsoInstant.parse(src.get("timestamp")).orElse(Instant.ofEpochMilli(receivedMillis));
        out.put("time", time.toEpochMilli());
        String messageId = text(src, "messageId");
        if (messageId != null) {
            out.put("insert_id", messageId);
        }
        context(src.path("context"), out);
        return Mapped.of(out);
    }

    /** The context fields Amplitude has a place for. */
    private static void context(JsonNode ctx, ObjectNode out) {
        copy(ctx, "ip", out, "ip");
        JsonNode lib = ctx.path("library");
        String libName = text(lib, "name");
        if (libName != null) {
            String version = text(lib, "version");
            out.put("library", version == null ? libName : libName + "/" + version);
        }
        copy(ctx.path("os"), "name", out, "os_name");
        copy(ctx.path("os"), "version", out, "os_version");
        copy(ctx.path("device"), "model", out, "device_model");
        copy(ctx.path("device"), "manufacturer", out, "device_manufacturer");
        copy(ctx.path("device"), "brand", out, "device_brand");
        copy(ctx.path("device"), "type", out, "platform");
        copy(ctx.path("app"), "version", out, "app_version");
        copy(ctx, "locale", out, "language");
        copy(ctx.path("network"), "carrier", out, "carrier");
        copy(ctx.path("location"), "country", out, "country");
        copy(ctx.path("location"), "region", out, "region");
        copy(ctx.path("location"), "city", out, "city");
        if (ctx.path("location").path("latitude").isNumber() && ctx.path("location").path("longitude").isNumber()) {
            out.put("location_lat", ctx.path("location").path("latitude").asDouble());
            out.put("location_lng", ctx.path("location").path("longitude").asDouble());
        }
        String adId = text(ctx.path("device"), "advertisingId");
        if (adId != null) {
            String os = String.valueOf(text(ctx.path("os"), "name")).toLowerCase(java.util.Locale.ROOT);
            out.put(os.contains("android") ? "adid" : "idfa", adId);
        }
    }

    /** {@code Viewed {name} Page}; without a name, {@code Loaded a Page} as Segment's Amplitude destination does. */
    private static String viewName(String pattern, JsonNode src, String type) {
        String name = text(src, "name");
        if (name == null) {
            name = text(src.path("properties"), "name");
        }
        if (name == null) {
            return type.equals("page") ? "Loaded a Page" : "Loaded a Screen";
        }
        String category = text(src, "category");
        return pattern.replace("{name}", name).replace("{category}", category == null ? "" : category).trim();
    }

    private static void putObject(ObjectNode out, String field, JsonNode value) {
        if (value instanceof ObjectNode o && !o.isEmpty()) {
            out.set(field, o);
        }
    }

    private static void copy(JsonNode from, String field, ObjectNode out, String to) {
        String v = text(from, field);
        if (v != null) {
            out.put(to, v);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    private static String quoted(String s) {
        return s == null ? "absent" : "'" + s + "'";
    }
}
