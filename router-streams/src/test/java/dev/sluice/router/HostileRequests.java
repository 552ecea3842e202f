package dev.sluice.router;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Generates Segment requests across the JSON grammar, each with what Sluice must do with it, decided
 * here from the documented policy (not by calling the code under test): refuse the whole request
 * with a code, or take it and route or reject each event on its own. Every event carries a unique
 * {@code "probe"} so it can be found wherever it ends up.
 */
final class HostileRequests {

    /** An event of a request and what must become of it: routed to its type's topic, or rejected with a code. */
    record Expected(String probe, String type, String rejectCode) {
        boolean valid() {
            return rejectCode == null;
        }
    }

    /**
     * A request to post and what must happen: non-empty {@code requestCodes} means a 400 with one of
     * those codes (whichever problem is met first) and nothing stored.
     */
    record Request(int index, String path, byte[] body, boolean gzip, List<Expected> events, Set<String> requestCodes,
                   boolean keyInBody) {
    }

    static final String[] TYPES = {"track", "identify", "page", "screen", "group", "alias"};
    private static final String[] VALID_NUMBERS = {"0", "-0", "1", "-1", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014E-308", "0.1", "1e-7",
        "123456789012345678901234567890.123456789", "1".repeat(100), "1E+2", "0e-999", "1e-6", "-12.50",
        "1234567890e1", "0.0000001"};
    private static final String[] OUT_OF_RANGE_NUMBERS = {"1e400", "-1e309", "1e-400", "1e9999999999", "0e-9999999999"};
    private static final String[] VALID_STRINGS = {"plain", "ünïcödé", "日本語テキスト", "emoji 😀🎉", "\\ud83d\\ude00 pair",
        "lone high \\ud83d", "\\udc00 lone low", "nul \\u0000 inside", "tab\\tnew\\nline", "quote \\\" and \\\\ slash",
        "\\/escaped slash", "", "line\u2028separator", "x".repeat(2000), "<script>alert(1)</script>", "'; DROP TABLE"};
    private static final String[] KEY_SUFFIXES = {"", "ünïcödé", "日本語", "😀", " spaced", "-dash.dot"};
    private static final String[] VALID_TIMESTAMPS = {"2026-11-29T10:00:00Z", "2026-11-29T10:00:00.123+02:00",
        "2026-11-29T10:00:00", "2026-11-29T10:00:00.123456789Z", "2026-11-29T10:00Z", "2026-11-29T10:00:00-11:30",
        "0001-01-02T00:00:00Z", "9999-12-30T00:00:00Z", "1970-01-01T00:00:00Z"};
    private static final String[] INVALID_TIMESTAMPS = {"0000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
        "-000001-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "not a date", "", "+999999999-12-31T23:59:59Z",
        "2026-11-29"};
    /** Inside a batch body an event's {@code properties} sits at level 4, so it may nest 61 levels itself. */
    static final int MAX_PROPERTIES_LEVELS = 61;

    private final Random random;
    private final String writeKey;
    private int probes;

    HostileRequests(long seed, String writeKey) {
        this.random = new Random(seed);
        this.writeKey = writeKey;
    }

    Request next(int index) {
        int kind = random.nextInt(20);
        if (kind < 4) {
            return single(index);
        }
        if (kind == 4) {
            return bigContext(index);
        }
        return batch(index);
    }

    private Request batch(int index) {
        int n = 1 + random.nextInt(random.nextInt(10) == 0 ? 300 : 12);
        List<Expected> events = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        Set<String> requestCodes = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Event e = event(true);
            events.add(e.expected);
            bodies.add(e.json);
            if (e.requestCode != null) {
                requestCodes.add(e.requestCode);
            }
        }
        String context = null;
        if (random.nextInt(4) == 0) {
            // smaller than any event, so merging it never adds more than the request has
            context = "{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.1\"}}";
        }
        if (random.nextInt(40) == 0) {
            context = "{\"n\":" + pick(OUT_OF_RANGE_NUMBERS) + "}";
            requestCodes.add("number_out_of_range");
        }
        StringBuilder body = new StringBuilder("{");
        if (context != null) {
            body.append("\"context\":").append(context).append(',');
        }
        if (random.nextBoolean()) {
            body.append("\"sentAt\":\"").append(Instant.now()).append("\",");
        }
        boolean keyInBody = random.nextBoolean();
        if (keyInBody) {
            body.append("\"writeKey\":\"").append(writeKey).append("\",");
        }
        body.append("\"batch\":[").append(String.join(",", bodies)).append("]}");
        byte[] bytes = corrupt(body.toString().getBytes(StandardCharsets.UTF_8));
        if (bytes == null) {
            bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        } else {
            requestCodes.add("invalid_utf8");
        }
        return new Request(index, "/v1/batch", bytes, random.nextBoolean(), events, requestCodes, keyInBody);
    }

    /** A single-event route: the path gives the type; any problem with the event is a 400 for the request. */
    private Request single(int index) {
        Event e = event(false);
        String path = "/v1/" + e.expected.type;
        return new Request(index, path, e.json.getBytes(StandardCharsets.UTF_8), random.nextBoolean(),
                List.of(e.expected), e.requestCode == null ? Set.of() : Set.of(e.requestCode), false);
    }

    /**
     * An envelope context merged into every event: a huge one makes every event too large (each rejected,
     * so a 400 with all of them kept); a mid-sized one over many events would multiply the request.
     */
    private Request bigContext(int index) {
        boolean huge = random.nextBoolean();
        String context = "{\"blob\":\"" + "c".repeat(huge ? 300_000 : 20_000) + "\"}";
        int n = huge ? 200 + random.nextInt(800) : 30 + random.nextInt(100);
        List<Expected> events = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String probe = "p" + probes++;
            bodies.add("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"probe\":\"" + probe + "\"}");
            events.add(new Expected(probe, "track", huge ? "payload_too_large" : null));
        }
        String body = "{\"writeKey\":\"" + writeKey + "\",\"context\":" + context + ",\"batch\":["
                + String.join(",", bodies) + "]}";
        return new Request(index, "/v1/batch", body.getBytes(StandardCharsets.UTF_8), random.nextBoolean(), events,
                huge ? Set.of() : Set.of("envelope_too_large"), true);
    }

    private record Event(String json, Expected expected, String requestCode) {
    }

    private Event event(boolean inBatch) {
        String probe = "p" + probes++;
        String type = pick(TYPES);
        List<String> fields = new ArrayList<>();
        if (inBatch) {
            fields.add("\"type\":\"" + type + "\"");
        }
        fields.add("\"probe\":\"" + probe + "\"");
        String ids = random.nextInt(5) == 0 ? "\"userId\":" + random.nextInt(1_000_000)
                : random.nextBoolean() ? "\"userId\":\"" + string() + "x\"" : "\"anonymousId\":\"a-" + probe + "\"";
        fields.add(ids);
        if (random.nextBoolean()) {
            fields.add("\"messageId\":\"m-" + probe + "-" + random.nextInt(1000) + "\"");
        }
        switch (type) {
            case "track" -> fields.add("\"event\":\"" + string() + "!\"");
            case "group" -> fields.add("\"groupId\":\"g-" + random.nextInt(100) + "\"");
            case "alias" -> fields.add("\"previousId\":\"prev\"");
            default -> {
            }
        }
        if (random.nextBoolean()) {
            fields.add("\"timestamp\":\"" + pick(VALID_TIMESTAMPS) + "\"");
        }
        fields.add((type.equals("identify") || type.equals("group") ? "\"traits\":" : "\"properties\":")
                + object(random.nextInt(6)));
        if (random.nextInt(4) == 0) {
            fields.add("\"n\":" + number());
        }
        if (random.nextInt(8) == 0) {
            fields.add("\"writeKey\":\"" + writeKey + "\""); // never stored: the event is re-written without it
        }
        if (random.nextInt(3) == 0) {
            fields.add("\"context\":{\"ip\":\"203.0.113." + random.nextInt(255) + "\",\"locale\":\"" + string() + "\"}");
        }
        String rejectCode = null;
        String requestCode = null;
        switch (random.nextInt(inBatch ? 60 : 24)) {
            case 0 -> {
                fields.removeIf(f -> f.startsWith("\"userId\"") || f.startsWith("\"anonymousId\""));
                rejectCode = "no_user_anon_id";
            }
            case 1 -> {
                fields.add("\"originalTimestamp\":\"" + pick(INVALID_TIMESTAMPS) + "\"");
                rejectCode = "invalid_timestamp";
            }
            case 2 -> {
                // each in range, but the skew correction lands thousands of years before year 1
                fields.removeIf(f -> f.startsWith("\"timestamp\""));
                fields.add("\"originalTimestamp\":\"0001-01-02T00:00:00Z\",\"sentAt\":\"9000-01-01T00:00:00Z\"");
                rejectCode = "invalid_timestamp";
            }
            case 3 -> {
                fields.add("\"deep\":{\"x\":[1,{\"y\":" + pick(OUT_OF_RANGE_NUMBERS) + "}]}");
                rejectCode = "number_out_of_range";
            }
            case 4 -> {
                fields.add("\"m\":" + pick(OUT_OF_RANGE_NUMBERS));
                rejectCode = "number_out_of_range";
            }
            case 5 -> {
                fields.removeIf(f -> f.startsWith("\"messageId\""));
                fields.add("\"messageId\":\"" + "m".repeat(101) + "\"");
                rejectCode = "message_id_invalid";
            }
            case 6 -> {
                fields.add("\"big\":\"" + "b".repeat(33_000) + "\"");
                requestCode = "payload_too_large"; // over the per-event limit as sent: Segment refuses the request
            }
            case 7 -> {
                fields.add("\"deep\":" + nest(MAX_PROPERTIES_LEVELS));
            }
            case 8 -> {
                fields.add("\"deep\":" + nest(MAX_PROPERTIES_LEVELS + 1));
                requestCode = "invalid_json";
            }
            case 9 -> {
                fields.add("\"dup\":{\"a\":1,\"a\":2}");
                requestCode = "invalid_json";
            }
            case 10 -> {
                fields.add("\"long\":" + "7".repeat(101));
                requestCode = "invalid_json";
            }
            case 11 -> {
                fields.add("\"\\ud83d\":1");
                requestCode = "invalid_json";
            }
            case 12 -> {
                fields.add("\"sentAt\":\"" + pick(INVALID_TIMESTAMPS) + "\"");
                rejectCode = "invalid_timestamp";
            }
            case 13 -> {
                if (inBatch) {
                    fields.removeIf(f -> f.startsWith("\"type\""));
                    fields.add("\"type\":\"purchase\"");
                    rejectCode = "invalid_type";
                }
            }
            case 14 -> {
                fields.removeIf(f -> f.startsWith("\"properties\"") || f.startsWith("\"traits\""));
                fields.add((type.equals("identify") || type.equals("group") ? "\"traits\":" : "\"properties\":")
                        + "[1,2]");
                rejectCode = type.equals("identify") || type.equals("group") ? "traits_not_object"
                        : type.equals("alias") ? null : "properties_not_object";
            }
            default -> {
            }
        }
        if (!inBatch && "number_out_of_range".equals(rejectCode)) {
            // a single-event body is read whole: an unreadable number refuses it like any unreadable body
            requestCode = rejectCode;
            rejectCode = null;
        }
        java.util.Collections.shuffle(fields, random);
        String json = "{" + String.join(",", fields) + "}";
        if (requestCode == null && json.getBytes(StandardCharsets.UTF_8).length > 28_000) {
            return event(inBatch); // random junk grew large: keep clear of the size limit's edge
        }
        return new Event(json, new Expected(probe, type, rejectCode), requestCode);
    }

    /** Occasionally breaks the body's UTF-8 inside a string value; null when it leaves the body alone. */
    private byte[] corrupt(byte[] body) {
        if (random.nextInt(25) != 0) {
            return null;
        }
        byte[][] bad = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF},
            {(byte) 0xC3, 0x28}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
        String text = new String(body, StandardCharsets.UTF_8);
        int at = text.indexOf("\"probe\":\"") + 9;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
        out.writeBytes(head);
        out.writeBytes(bad[random.nextInt(bad.length)]);
        out.writeBytes(text.substring(at).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private String object(int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"k").append(i).append(random.nextInt(3) == 0 ? pick(KEY_SUFFIXES) : "")
                    .append("\":").append(value(depth));
        }
        return b.append('}').toString();
    }

    private String value(int depth) {
        int kind = random.nextInt(depth > 0 ? 8 : 6);
        return switch (kind) {
            case 0, 1 -> "\"" + string() + "\"";
            case 2, 3 -> number();
            case 4 -> random.nextBoolean() ? "true" : "false";
            case 5 -> "null";
            case 6 -> object(depth - 1);
            default -> {
                StringBuilder b = new StringBuilder("[");
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append(value(depth - 1));
                }
                yield b.append(']').toString();
            }
        };
    }

    /** {@code levels} nested containers. */
    static String nest(int levels) {
        return "[".repeat(levels - 1) + "{}" + "]".repeat(levels - 1);
    }

    private String string() {
        return pick(VALID_STRINGS);
    }

    private String number() {
        return pick(VALID_NUMBERS);
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }
}
