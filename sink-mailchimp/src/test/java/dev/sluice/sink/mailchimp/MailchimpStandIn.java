package dev.sluice.sink.mailchimp;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sluice.model.SegmentJson;
import dev.sluice.testsupport.HttpStandIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Mailchimp's {@code PUT /3.0/lists/{list_id}/members/{subscriber_hash}} on loopback: checks Basic auth
 * (any user, the API key as password), the list, that the hash is the MD5 of the lowercased
 * {@code email_address}, and {@code status_if_new}; answers errors as Mailchimp's problem JSON; refuses
 * addresses it calls fake with a 400; counts requests in flight; injects 429s, 500s and slowness.
 */
final class MailchimpStandIn extends HttpStandIn {

    /** list id → subscriber hash → the last body written. */
    final Map<String, Map<String, JsonNode>> members = new ConcurrentHashMap<>();
    final Set<String> lists = ConcurrentHashMap.newKeySet();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger refusedAuth = new AtomicInteger();
    volatile int rateLimitNext;
    /** Whether this handler thread's request still counts as in flight. */
    private final ThreadLocal<Boolean> counting = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final String apiKey;

    MailchimpStandIn(String apiKey, String... listIds) throws IOException {
        // more threads than the sink may use, so the stand-in never caps the concurrency it measures
        super("/3.0/lists/", 32);
        failStatus = 500;
        this.apiKey = apiKey;
        lists.addAll(Set.of(listIds));
    }

    String url() {
        return baseUrl();
    }

    int memberCount() {
        return members.values().stream().mapToInt(Map::size).sum();
    }

    /** A call is in flight from its arrival, through any injected slowness, until its answer starts. */
    @Override
    protected void exchange(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        // not an exchange attribute: on JDK 17 those live in the context, shared by concurrent exchanges
        counting.set(Boolean.TRUE);
        try {
            super.exchange(ex);
        } finally {
            answered(ex);
        }
    }

    @Override
    protected void fail(HttpExchange ex, int status) throws IOException {
        problem(ex, status, status == 500 ? "Internal Server Error" : "Service Unavailable",
                status == 500 ? "An unexpected internal error has occurred." : "The service is unavailable.", null);
    }

    @Override
    protected void handle(HttpExchange ex, byte[] raw) throws IOException {
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
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }
}
