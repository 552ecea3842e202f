package dev.sluice.sink.mailchimp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.SegmentJson;
import dev.sluice.sink.Delivery;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * An identify as Mailchimp's "add or update list member": the subscriber hash (MD5 of the lowercased
 * email) and the body with {@code email_address}, {@code status_if_new} and the mapped merge fields; or
 * why the event has no use here.
 */
record MemberUpsert(String subscriberHash, ObjectNode body, Delivery refusal) {

    static MemberUpsert of(byte[] stored, MailchimpConfig config) {
        JsonNode event;
        try {
            event = SegmentJson.parse(stored);
        } catch (SegmentJson.InvalidJsonException e) {
            return refused(Delivery.permanentFailure("invalid_event", "stored event is not JSON: " + e.getMessage()));
        }
        String type = event.path("type").asText("");
        if (!type.equals("identify")) {
            return refused(Delivery.discarded("unsupported_type",
                    "Mailchimp keeps audience members: only identify calls have a use there, not " + type));
        }
        JsonNode traits = event.path("traits");
        String email = text(traits.get("email"));
        if (email == null) {
            email = text(event.path("context").path("traits").get("email"));
        }
        if (email == null) {
            return refused(Delivery.discarded("no_email", "identify without traits.email: no audience member to write"));
        }
        email = email.trim();
        ObjectNode body = SegmentJson.newObject();
        body.put("email_address", email);
        body.put("status_if_new", config.statusIfNew());
        ObjectNode merge = SegmentJson.newObject();
        for (Map.Entry<String, String> m : config.mergeFields().entrySet()) {
            JsonNode v = traits.get(m.getKey());
            if (v != null && v.isValueNode() && !v.isNull()) {
                merge.set(m.getValue(), v);
            }
        }
        if (!merge.isEmpty()) {
            body.set("merge_fields", merge);
        }
        return new MemberUpsert(subscriberHash(email), body, null);
    }

    /** Mailchimp's member id: the hex MD5 of the lowercased address. */
    static String subscriberHash(String email) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(email.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    private static MemberUpsert refused(Delivery d) {
        return new MemberUpsert(null, null, d);
    }

    private static String text(JsonNode v) {
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
