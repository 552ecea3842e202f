package dev.sluice.sink.forwarder;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.SegmentJson;
import dev.sluice.sink.BatchLimits;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkRecord;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forwards events to a Segment {@code /v1/batch} endpoint, one request per destination writeKey.
 * A {@code 400} is narrowed down by halving until only the events Segment refuses are left.
 */
public final class SegmentSink implements Sink {

    /** Segment's 500 KB request limit with analytics-node's headroom for the envelope; 32 KB per event. */
    static final BatchLimits LIMITS = new BatchLimits(2500, 480 * 1024, 32 * 1024, Duration.ofMillis(200));

    private final ForwarderConfig config;
    private final HttpClient http;

    public SegmentSink(ForwarderConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public BatchLimits limits() {
        return LIMITS;
    }

    /**
     * Segment's batch endpoint takes concurrent requests and orders nothing by arrival (its destinations
     * go by each event's timestamp), so partitions are not kept apart.
     */
    @Override
    public int maxCallsInFlight() {
        return 4;
    }

    @Override
    public boolean keepsPartitionOrder() {
        return false;
    }

    @Override
    public List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) throws InterruptedException {
        Delivery[] results = new Delivery[batch.size()];
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        Map<Integer, ObjectNode> events = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            SinkRecord r = batch.get(i);
            String key = config.writeKeyFor(r.project());
            if (key == null) {
                String why = "no destination writeKey for project '" + r.project() + "' (SLUICE_FORWARD_WRITE_KEYS)";
                results[i] = config.skipUnmapped() ? Delivery.discarded("no_write_key", why)
                        : Delivery.permanentFailure("no_write_key", why);
                continue;
            }
            try {
                events.put(i, BatchBody.event(r.value()));
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
            } catch (SegmentJson.InvalidJsonException e) {
                results[i] = Delivery.permanentFailure("invalid_event", "stored event is not a JSON object: "
                        + e.getMessage());
            }
        }
        for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
            send(e.getKey(), e.getValue(), events, results, deadline);
        }
        return Arrays.asList(results);
    }

    /** Sends one writeKey's events; on a 400 splits them in halves and sends each until the culprits are alone. */
    private void send(String writeKey, List<Integer> indexes, Map<Integer, ObjectNode> events, Delivery[] results,
                      Instant deadline) throws InterruptedException {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.toMillis() < 1) {
            // the rest of a 400 bisection, or another writeKey's request: next call
            Delivery late = Delivery.transientFailure("deadline_exceeded", "not sent: the delivery deadline passed");
            indexes.forEach(i -> results[i] = late);
            return;
        }
        Delivery d = post(writeKey, indexes.stream().map(events::get).toList(),
                left.compareTo(config.timeout()) < 0 ? left : config.timeout());
        boolean splittable = d.outcome() == Delivery.Outcome.PERMANENT
                && (d.code().equals("http_400") || d.code().equals("http_413"));
        if (splittable && indexes.size() > 1) {
            int mid = indexes.size() / 2;
            send(writeKey, indexes.subList(0, mid), events, results, deadline);
            send(writeKey, indexes.subList(mid, indexes.size()), events, results, deadline);
            return;
        }
        indexes.forEach(i -> results[i] = d);
    }

    private Delivery post(String writeKey, List<ObjectNode> events, Duration timeout) throws InterruptedException {
        byte[] body = BatchBody.encode(events, writeKey, Instant.now(), config.gzip());
        HttpRequest.Builder req = HttpRequest.newBuilder(config.url()).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "sluice-forwarder/0.1")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (writeKey + ":").getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.gzip()) {
            req.header("Content-Encoding", "gzip");
        }
        HttpResponse<String> response;
        try {
            response = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            return Delivery.transientFailure("timeout", e.toString());
        } catch (IOException e) {
            return Delivery.transientFailure("network_error", e.toString());
        }
        return classify(response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
    }

    /** WIRE.md §4: 2xx delivered; 429 waits; 5xx, 408, 410, 460 retry; 400 splits; other 4xx never succeed. */
    static Delivery classify(int status, String body, String retryAfter) {
        if (status >= 200 && status < 300) {
            return Delivery.delivered();
        }
        String code = "http_" + status;
        String reason = "HTTP " + status + ": " + (body == null ? "" : body.length() > 500 ? body.substring(0, 500) : body);
        if (status == 429) {
            return Delivery.throttled(code, reason, parseRetryAfter(retryAfter));
        }
        if (status >= 500 || status == 408 || status == 410 || status == 460) {
            return Delivery.transientFailure(code, reason);
        }
        return Delivery.permanentFailure(code, reason);
    }

    /** Seconds or an HTTP date, capped at 5 minutes as the SDKs do; null when absent or unreadable. */
    static Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.min(300, Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(Instant.now(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : d;
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
