package dev.sluice.sink.mailchimp;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.model.SegmentJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Mailchimp's {@code PUT /3.0/lists/{list_id}/members/{subscriber_hash}} on loopback: checks Basic auth
 * (any user, the API key as password), the list, that the hash is the MD5 of the lowercased
 * {@code email_address}, and {@code status_if_new}; answers errors as Mailchimp's problem JSON; refuses
 * addresses it calls fake with a 400; counts requests in flight; injects 429s, 500s and slowness.
 */
final class MailchimpStandIn implements AutoCloseable {

    /** list id → subscriber hash → the last body written. */
    final Map<String, Map<String, JsonNode>> members = new ConcurrentHashMap<>();
    final Set<String> lists = ConcurrentHashMap.newKeySet();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger refusedAuth = new AtomicInteger();
    volatile int rateLimitNext;
    volatile int fail500Next;
    volatile long delayMillis;
    /** Whether this handler thread's request still counts as in flight. */
    private final ThreadLocal<Boolean> counting = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final String apiKey;
    private final HttpServer server;

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    MailchimpStandIn(String apiKey, String... listIds) throws IOException {
        this.apiKey = apiKey;
        lists.addAll(Set.of(listIds));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/3.0/lists/", this::handle);
        // more threads than the sink may use, so the stand-in never caps the concurrency it measures
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int memberCount() {
        return members.values().stream().mapToInt(Map::size).sum();
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        // not an exchange attribute: on JDK 17 those live in the context, shared by concurrent exchanges
        counting.set(Boolean.TRUE);
        try {
            serve(ex);
        } finally {
            answered(ex);
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String password = null;
        if (auth != null && auth.startsWith("Basic ")) {
            String userPass = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
            password = userPass.substring(userPass.indexOf(':') + 1);
        }
        if (!apiKey.equals(password)) {
            refusedAuth.incrementAndGet();
            problem(ex, 401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong "
                    + "datacenter.", null);
            return;
        }
        if (rateLimitNext > 0) {
            rateLimitNext--;
            problem(ex, 429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.", null);
            return;
        }
        if (fail500Next > 0) {
            fail500Next--;
            problem(ex, 500, "Internal Server Error", "An unexpected internal error has occurred.", null);
            return;
        }
        String[] path = ex.getRequestURI().getPath().split("/"); // "", "3.0", "lists", id, "members", hash
        if (!"PUT".equals(ex.getRequestMethod()) || path.length != 6 || !path[4].equals("members")) {
            problem(ex, 405, "Method Not Allowed", "The requested method and resource are not compatible.", null);
            return;
        }
        if (!lists.contains(path[3])) {
            problem(ex, 404, "Resource Not Found", "The requested resource could not be found.", null);
            return;
        }
        puts.incrementAndGet();
        JsonNode body = SegmentJson.parse(raw);
        String email = body.path("email_address").asText("");
        if (!MemberUpsert.subscriberHash(email).equals(path[5])) {
            problem(ex, 400, "Invalid Resource", "The subscriber hash does not match the email address.", null);
            return;
        }
        if (email.endsWith(".invalid") || !email.contains("@")) {
            problem(ex, 400, "Invalid Resource", email + " looks fake or invalid, please enter a real email address.",
                    "{\"field\":\"email_address\",\"message\":\"This value should be a valid email.\"}");
            return;
        }
        if (!MailchimpConfig.STATUSES.contains(body.path("status_if_new").asText())) {
            problem(ex, 400, "Invalid Resource", "The resource submitted could not be validated.",
                    "{\"field\":\"status_if_new\",\"message\":\"Schema describes enum\"}");
            return;
        }
        members.computeIfAbsent(path[3], k -> new ConcurrentHashMap<>()).put(path[5], body);
        send(ex, 200, "application/json", "{\"id\":\"" + path[5] + "\",\"email_address\":\"" + email
                + "\",\"status\":\"" + body.path("status_if_new").asText() + "\",\"list_id\":\"" + path[3] + "\"}");
    }

    /**
     * A request stops counting when its answer starts: the client may start its next request as soon as the
     * answer arrives, before this handler's thread returns.
     */
    private void answered(HttpExchange ex) {
        if (counting.get()) {
            counting.set(Boolean.FALSE);
            inFlight.decrementAndGet();
        }
    }

    private void problem(HttpExchange ex, int status, String title, String detail, String error) throws IOException {
        send(ex, status, "application/problem+json", "{\"type\":\"https://mailchimp.com/developer/marketing/docs/errors/\","
                + "\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\",\"instance\":\""
                + UUID.randomUUID() + "\"" + (error == null ? "" : ",\"errors\":[" + error + "]") + "}");
    }

    private void send(HttpExchange ex, int status, String type, String body) throws IOException {
        answered(ex);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
