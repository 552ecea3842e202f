package dev.sluice.sink.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sluice.model.SegmentJson;
import dev.sluice.testsupport.HttpStandIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on loopback, as a user would write one: verifies {@code X-Sluice-Signature} and the
 * idempotency key with its own code (not the sink's), records accepted events, and can refuse connections,
 * answer 503, answer 429 with Retry-After, or refuse events marked {@code properties.marked} with a 400.
 */
final class WebhookReceiver extends HttpStandIn {

    /** How the receiver answers. */
    enum State { UP, REFUSING_CONNECTIONS, ANSWERING_503 }

    /** One accepted event. */
    record Received(String messageId, JsonNode event, long atMillis) {
    }

    final Queue<Received> received = new ConcurrentLinkedQueue<>();
    final Queue<String> userAgents = new ConcurrentLinkedQueue<>();
    final Queue<String> authorizations = new ConcurrentLinkedQueue<>();
    final AtomicInteger signedRequests = new AtomicInteger();
    final AtomicInteger badSignatures = new AtomicInteger();
    final AtomicInteger badIdempotencyKeys = new AtomicInteger();
    final AtomicInteger badContentTypes = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();
    /** Requests answered with an injected failure (503 while {@link State#ANSWERING_503}). */
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    /** Verifies signatures with this secret when set (401 on a bad one). */
    volatile String secret;
    volatile boolean refuseMarked;
    /** The next this many requests get 429 with {@code Retry-After: 1}. */
    final AtomicInteger throttleNext = new AtomicInteger();
    /** Requests whose events are only counted, not kept (benchmarks). */
    volatile boolean countOnly;
    final AtomicInteger counted = new AtomicInteger();
    /** When countOnly: the first and latest acceptance, epoch millis. */
    final AtomicLong firstCountedAt = new AtomicLong();
    volatile long lastCountedAt;
    private volatile State state = State.UP;

    WebhookReceiver() throws IOException {
        super("/hook", 4);
    }

    String url() {
        return baseUrl() + "/hook";
    }

    Set<String> messageIds() {
        return received.stream().map(Received::messageId).collect(Collectors.toSet());
    }

    /** Switches behaviour; refusing connections closes the listening socket, coming back binds the same port. */
    synchronized void state(State next) throws IOException {
        refuseConnections(next == State.REFUSING_CONNECTIONS);
        down = next == State.ANSWERING_503;
        state = next;
    }

    State state() {
        return state;
    }

    @Override
    protected void fail(HttpExchange ex, int status) throws IOException {
        unavailable.incrementAndGet();
        send(ex, status, "down for maintenance");
    }

    @Override
    protected void handle(HttpExchange ex, byte[] body) throws IOException {
        if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throttled.incrementAndGet();
            ex.getResponseHeaders().set("Retry-After", "1");
            send(ex, 429, "slow down");
            return;
        }
        if (!"application/json".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            badContentTypes.incrementAndGet();
        }
        userAgents.add(String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")));
        authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        String key = secret;
        if (key != null) {
            signedRequests.incrementAndGet();
            boolean valid;
            try {
                valid = verify(key, ex.getRequestHeaders().getFirst("X-Sluice-Signature"), body,
                        System.currentTimeMillis() / 1000);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            if (!valid) {
                badSignatures.incrementAndGet();
                send(ex, 401, "bad signature");
                return;
            }
        }
        JsonNode json = SegmentJson.parse(body);
        List<JsonNode> events = new ArrayList<>();
        if (json.isArray()) {
            json.forEach(events::add);
        } else {
            events.add(json);
        }
        List<String> ids = events.stream().map(e -> e.get("messageId").asText()).toList();
        String expectedKey = json.isArray() ? sha256Hex(String.join("\n", ids)) : ids.get(0);
        if (!expectedKey.equals(ex.getRequestHeaders().getFirst("Idempotency-Key"))
                || !String.valueOf(ids.size()).equals(ex.getRequestHeaders().getFirst("X-Sluice-Event-Count"))) {
            badIdempotencyKeys.incrementAndGet();
        }
        if (refuseMarked) {
            for (JsonNode e : events) {
                if (e.path("properties").path("marked").asBoolean(false)) {
                    refused.incrementAndGet();
                    send(ex, 400, "{\"error\":\"refused marked event " + e.get("messageId").asText() + "\"}");
                    return;
                }
            }
        }
        if (countOnly) {
            long now = System.currentTimeMillis();
            firstCountedAt.compareAndSet(0, now);
            lastCountedAt = now;
            counted.addAndGet(events.size());
        } else {
            long now = System.currentTimeMillis();
            for (int k = 0; k < events.size(); k++) {
                received.add(new Received(ids.get(k), events.get(k), now));
            }
        }
        send(ex, 200, "{\"ok\":true}");
    }

    /**
     * The receiver's side of {@code X-Sluice-Signature}, exactly the README's Java snippet: HMAC-SHA256 of
     * {@code "<t>.<raw body>"}, compared in constant time, and {@code t} within five minutes of now.
     */
    static boolean verify(String secret, String header, byte[] rawBody, long nowSeconds) throws GeneralSecurityException {
        String t = null, v1 = null;
        for (String part : header == null ? new String[0] : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) t = kv[1];
            if (kv.length == 2 && kv[0].equals("v1")) v1 = kv[1];
        }
        if (t == null || v1 == null || !t.matches("\\d{1,18}") || Math.abs(nowSeconds - Long.parseLong(t)) > 300) {
            return false;                                  // missing, or too old: a replay
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(rawBody);
        try {
            return MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1));
        } catch (IllegalArgumentException notHex) {
            return false;
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
}
