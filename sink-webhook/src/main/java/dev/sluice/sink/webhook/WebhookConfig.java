package dev.sluice.sink.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.model.EventType;
import dev.sluice.runtime.EnvReader.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The endpoints of sink-webhook, from the JSON file {@code SLUICE_WEBHOOK_CONFIG} names; every problem is
 * reported with the variable, the file, the endpoint and the field.
 */
public record WebhookConfig(List<Endpoint> endpoints) {

    public static final String VARIABLE = "SLUICE_WEBHOOK_CONFIG";

    /** Headers the sink sets itself (or the HTTP client forbids): an endpoint may not set them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "user-agent",
            "idempotency-key", "host", "connection", "expect", "upgrade", "transfer-encoding");

    private static final Set<String> TOP_FIELDS = Set.of("endpoints");
    private static final Set<String> ENDPOINT_FIELDS = Set.of("name", "url", "filter", "mode", "maxEvents",
            "maxBytes", "timeout", "secret", "secretEnv", "headers");
    private static final Set<String> FILTER_FIELDS = Set.of("projects", "types", "events");

    static final int DEFAULT_BATCH_EVENTS = 100;
    static final int DEFAULT_SINGLE_IN_FLIGHT = 8;
    static final long DEFAULT_MAX_BYTES = 512 * 1024;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public WebhookConfig {
        endpoints = List.copyOf(endpoints);
    }

    public static WebhookConfig fromEnv(Map<String, String> env) {
        String file = env.get(VARIABLE);
        if (file == null || file.isBlank()) {
            throw new ConfigException(VARIABLE + " is not set: name the JSON file listing the webhook endpoints");
        }
        String text;
        try {
            text = Files.readString(Path.of(file.trim()));
        } catch (IOException e) {
            throw new ConfigException(VARIABLE + "=" + file + ": cannot read file: " + e);
        }
        return parse(text, VARIABLE + "=" + file.trim(), env);
    }

    /**
     * @param source how to name the file in messages
     * @param env where {@code secretEnv} references are resolved
     */
    static WebhookConfig parse(String json, String source, Map<String, String> env) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected an object {\"endpoints\": [...]}");
        }
        onlyKnownFields(root, TOP_FIELDS, source);
        JsonNode list = root.get("endpoints");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ConfigException(source + ": \"endpoints\" must be a non-empty array");
        }
        List<Endpoint> endpoints = new java.util.ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Endpoint e = endpoint(list.get(i), source + ": endpoints[" + i + "]", env);
            if (!names.add(e.name())) {
                throw new ConfigException(source + ": endpoints[" + i + "]: name '" + e.name()
                        + "' is used twice (it names the endpoint's consumer group and topics)");
            }
            endpoints.add(e);
        }
        return new WebhookConfig(endpoints);
    }

    private static Endpoint endpoint(JsonNode node, String where, Map<String, String> env) {
        if (!node.isObject()) {
            throw new ConfigException(where + ": expected an object");
        }
        String name = text(node, "name", where, true);
        if (!name.matches("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")) {
            throw new ConfigException(where + ": name '" + name + "': use 1-64 of a-z, 0-9 and '-' (not at the "
                    + "ends); it becomes part of the consumer group and topic names");
        }
        String at = where + " (" + name + ")";
        onlyKnownFields(node, ENDPOINT_FIELDS, at);
        URI url = url(text(node, "url", at, true), at);
        Endpoint.Mode mode = switch (text(node, "mode", at, false) == null ? "batch"
                : text(node, "mode", at, false).toLowerCase(Locale.ROOT)) {
            case "batch" -> Endpoint.Mode.BATCH;
            case "single" -> Endpoint.Mode.SINGLE;
            default -> throw new ConfigException(at + ": mode '" + text(node, "mode", at, false)
                    + "': expected batch or single");
        };
        int maxEvents = (int) number(node, "maxEvents", at,
                mode == Endpoint.Mode.BATCH ? DEFAULT_BATCH_EVENTS : DEFAULT_SINGLE_IN_FLIGHT, 1, 10_000);
        long maxBytes = number(node, "maxBytes", at, DEFAULT_MAX_BYTES, 1024, 64L * 1024 * 1024);
        if (mode == Endpoint.Mode.BATCH && maxBytes < maxEvents + 1024L) {
            throw new ConfigException(at + ": maxBytes " + maxBytes + " leaves no room for " + maxEvents
                    + " events (the array's commas alone take maxEvents bytes): raise maxBytes or lower maxEvents");
        }
        Duration timeout = duration(node, "timeout", at);
        String secret = secret(node, at, env);
        return new Endpoint(name, url, filter(node.get("filter"), at), mode, maxEvents, maxBytes, timeout, secret,
                headers(node.get("headers"), at));
    }

    private static URI url(String value, String at) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ": url '" + value + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new ConfigException(at + ": url '" + value + "': expected http(s)://host[:port]/path");
        }
        return uri;
    }

    private static String secret(JsonNode node, String at, Map<String, String> env) {
        String inline = text(node, "secret", at, false);
        String variable = text(node, "secretEnv", at, false);
        if (inline != null && variable != null) {
            throw new ConfigException(at + ": set secret or secretEnv, not both");
        }
        if (variable != null) {
            String value = env.get(variable);
            if (value == null || value.isEmpty()) {
                throw new ConfigException(at + ": secretEnv names " + variable + ", which is not set");
            }
            return value;
        }
        if (inline != null && inline.isEmpty()) {
            throw new ConfigException(at + ": secret is empty (leave it out for unsigned requests)");
        }
        return inline;
    }

    private static EndpointFilter filter(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return EndpointFilter.ALL;
        }
        if (!node.isObject()) {
            throw new ConfigException(at + ": filter: expected an object with projects, types and/or events");
        }
        onlyKnownFields(node, FILTER_FIELDS, at + ": filter");
        Set<String> types = strings(node, "types", at);
        for (String t : types) {
            if (EventType.fromWire(t).isEmpty()) {
                throw new ConfigException(at + ": filter.types: '" + t
                        + "' is not a Segment type (track, identify, page, screen, group, alias)");
            }
        }
        return new EndpointFilter(strings(node, "projects", at), types, strings(node, "events", at));
    }

    private static Set<String> strings(JsonNode filter, String field, String at) {
        JsonNode list = filter.get(field);
        if (list == null || list.isNull()) {
            return Set.of();
        }
        if (!list.isArray() || list.isEmpty()) {
            throw new ConfigException(at + ": filter." + field + ": expected a non-empty array of strings "
                    + "(leave it out to pass every value)");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode v : list) {
            if (!v.isTextual() || v.asText().isEmpty()) {
                throw new ConfigException(at + ": filter." + field + ": " + v + " is not a non-empty string");
            }
            out.add(v.asText());
        }
        return out;
    }

    private static Map<String, String> headers(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new ConfigException(at + ": headers: expected an object of name: value");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (!h.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new ConfigException(at + ": headers: '" + h.getKey() + "' is not a header name");
            }
            if (RESERVED_HEADERS.contains(lower) || lower.startsWith("x-sluice-")) {
                throw new ConfigException(at + ": headers: " + h.getKey() + " is set by the sink itself");
            }
            if (!h.getValue().isTextual() || h.getValue().asText().matches(".*[\\r\\n].*")) {
                throw new ConfigException(at + ": headers: " + h.getKey() + ": expected a one-line string");
            }
            out.put(h.getKey(), h.getValue().asText());
        }
        return out;
    }

    private static Duration duration(JsonNode node, String field, String at) {
        String v = text(node, field, at, false);
        if (v == null) {
            return DEFAULT_TIMEOUT;
        }
        try {
            Duration d = Duration.parse(v);
            if (d.isZero() || d.isNegative()) {
                throw new ConfigException(at + ": " + field + " '" + v + "' must be positive");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new ConfigException(at + ": " + field + " '" + v + "' is not an ISO-8601 duration (e.g. PT10S)");
        }
    }

    private static long number(JsonNode node, String field, String at, long defaultValue, long min, long max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw new ConfigException(at + ": " + field + " " + v + ": expected a whole number from " + min
                    + " to " + max);
        }
        return v.asLong();
    }

    private static String text(JsonNode node, String field, String at, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ConfigException(at + ": " + field + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ConfigException(at + ": " + field + ": expected a string, got " + v.getNodeType());
        }
        return v.asText();
    }

    private static void onlyKnownFields(JsonNode node, Set<String> known, String at) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new ConfigException(at + ": unknown field '" + f + "' (known: " + new java.util.TreeSet<>(known)
                        + ")");
            }
        }
    }
}
