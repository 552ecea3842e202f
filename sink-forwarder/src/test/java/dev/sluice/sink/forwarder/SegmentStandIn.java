package dev.sluice.sink.forwarder;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sluice.model.SegmentJson;
import dev.sluice.testsupport.HttpStandIn;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * Segment's {@code /v1/batch} on loopback: decodes gzip, checks Basic auth against known writeKeys,
 * records accepted events, and injects 500s, 429s with Retry-After, 400s for marked events, slowness.
 */
final class SegmentStandIn extends HttpStandIn {

    /** One accepted event with the writeKey it came under, the request's sentAt and when it was accepted. */
    record Received(String writeKey, JsonNode event, String sentAt, String contentEncoding, long atMillis) {
    }

    // a queue, not a CopyOnWriteArrayList: that copies the whole list on every add (quadratic in benchmarks)
    final Queue<Received> received = new ConcurrentLinkedQueue<>();
    final Set<String> writeKeys = ConcurrentHashMap.newKeySet();
    final AtomicInteger badRequests = new AtomicInteger();
    final AtomicInteger rateLimited = new AtomicInteger();
    volatile int rateLimitNext;
    /** Share of requests answered 429 with {@code Retry-After: 1}, at random. */
    volatile double rateLimitFraction;
    /** While set, a batch holding an event marked {@code properties.poison} is refused with a 400 (cleared: "fixed"). */
    volatile boolean refusePoison = true;
    /** Requests a second accepted before answering 429 with {@code Retry-After: 1} (0: no limit). */
    volatile int maxRequestsPerSecond;
    private final Random random = new Random(42);
    private long windowSecond;
    private int windowRequests;

    SegmentStandIn(String... keys) throws IOException {
        super("/v1/batch", 4);
        failStatus = 500;
        writeKeys.addAll(List.of(keys));
    }

    String url() {
        return baseUrl() + "/v1/batch";
    }

    List<String> messageIds() {
        return received.stream().map(r -> r.event().get("messageId").asText()).toList();
    }

    @Override
    protected void fail(HttpExchange ex, int status) throws IOException {
        send(ex, status, "{\"success\":false,\"error\":\"injected\"}");
    }

    @Override
    protected void handle(HttpExchange ex, byte[] raw) throws IOException {
        if (rateLimitNext > 0 || overRate()) {
            rateLimitNext = Math.max(0, rateLimitNext - 1);
            rateLimited.incrementAndGet();
            ex.getResponseHeaders().set("Retry-After", "1");
            send(ex, 429, "{\"success\":false,\"error\":\"rate limited\"}");
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String key = auth == null ? null : new String(Base64.getDecoder().decode(auth.substring(6)),
                StandardCharsets.UTF_8).replaceAll(":$", "");
        if (key == null || !writeKeys.contains(key)) {
            send(ex, 401, "{\"success\":false,\"error\":\"unauthorized\"}");
            return;
        }
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        InputStream in = new ByteArrayInputStream(raw);
        byte[] json = "gzip".equals(encoding) ? new GZIPInputStream(in).readAllBytes() : raw;
        if (json.length > 500 * 1024) {
            send(ex, 400, "{\"success\":false,\"error\":\"Exceed payload limit\"}");
            return;
        }
        JsonNode body = SegmentJson.parse(json);
        for (JsonNode e : body.get("batch")) {
            if (refusePoison && e.path("properties").path("poison").asBoolean(false)) {
                badRequests.incrementAndGet();
                send(ex, 400, "{\"success\":false,\"error\":\"invalid event " + e.get("messageId").asText() + "\"}");
                return;
            }
        }
        long now = System.currentTimeMillis();
        for (JsonNode e : body.get("batch")) {
            received.add(new Received(key, e, body.path("sentAt").asText(null), encoding, now));
        }
        send(ex, 200, "{\"success\":true}");
    }

    /** A random 429, or one past the per-second request limit. */
    private synchronized boolean overRate() {
        if (rateLimitFraction > 0 && random.nextDouble() < rateLimitFraction) {
            return true;
        }
        if (maxRequestsPerSecond <= 0) {
            return false;
        }
        long second = System.currentTimeMillis() / 1000;
        if (second != windowSecond) {
            windowSecond = second;
            windowRequests = 0;
        }
        return ++windowRequests > maxRequestsPerSecond;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
}
