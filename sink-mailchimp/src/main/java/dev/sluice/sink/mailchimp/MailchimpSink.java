package dev.sluice.sink.mailchimp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.SegmentJson;
import dev.sluice.sink.BatchLimits;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkRecord;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Upserts audience members in Mailchimp's Marketing API, one {@code PUT} per identify, concurrently but
 * never more than {@link #MAX_IN_FLIGHT} requests at once in this process (Mailchimp allows 10
 * simultaneous connections per account).
 */
public final class MailchimpSink implements Sink {

    static final int MAX_IN_FLIGHT = 10;
    /** Shared by every Mailchimp sink of the process: the limit is the account's, not a consumer's. */
    private static final Semaphore IN_FLIGHT = new Semaphore(MAX_IN_FLIGHT);
    static final BatchLimits LIMITS = new BatchLimits(500, 4 * 1024 * 1024, 256 * 1024, Duration.ofMillis(100));

    private final MailchimpConfig config;
    private final HttpClient http;
    private final String authorization;

    public MailchimpSink(MailchimpConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        // Basic auth: any user name, the API key as the password
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(("sluice:" + config.apiKey())
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public BatchLimits limits() {
        return LIMITS;
    }

    @Override
    public List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) throws InterruptedException {
        // answers may land after the deadline: the first word on a record is final, the returned list a copy
        AtomicReferenceArray<Delivery> results = new AtomicReferenceArray<>(batch.size());
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            SinkRecord r = batch.get(i);
            MemberUpsert upsert = MemberUpsert.of(r.value(), config);
            if (upsert.refusal() != null) {
                results.set(i, upsert.refusal());
                continue;
            }
            String list = config.listFor(r.project());
            if (list == null) {
                results.set(i, Delivery.permanentFailure("no_list", "no Mailchimp list for project '" + r.project()
                        + "' (SLUICE_MAILCHIMP_LISTS, SLUICE_MAILCHIMP_DEFAULT_LIST)"));
                continue;
            }
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left < 1 || !IN_FLIGHT.tryAcquire(left, TimeUnit.MILLISECONDS)) {
                results.set(i, Delivery.transientFailure("deadline_exceeded", "not sent: the delivery deadline passed"));
                continue;
            }
            int index = i;
            Duration timeout = Duration.ofMillis(Math.max(1, Math.min(config.timeout().toMillis(),
                    Duration.between(Instant.now(), deadline).toMillis())));
            HttpRequest request = HttpRequest.newBuilder(memberUri(list, upsert.subscriberHash()))
                    .timeout(timeout)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "sluice-mailchimp/0.1")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(SegmentJson.toBytes(upsert.body()))).build();
            CompletableFuture<HttpResponse<String>> call;
            try {
                call = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            } catch (RuntimeException e) {
                IN_FLIGHT.release();
                throw e;
            }
            sent.add(call.handle((response, error) -> {
                IN_FLIGHT.release();
                results.compareAndSet(index, null,
                        error != null ? failed(error) : classify(response.statusCode(), response.body()));
                return null;
            }));
        }
        try {
            long left = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(left, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // the per-request timeouts end them; a result still missing is retried
        }
        Delivery late = Delivery.transientFailure("deadline_exceeded", "no answer by the delivery deadline");
        Delivery[] out = new Delivery[batch.size()];
        for (int i = 0; i < out.length; i++) {
            results.compareAndSet(i, null, late);
            out[i] = results.get(i);
        }
        return Arrays.asList(out);
    }

    private URI memberUri(String list, String hash) {
        return URI.create(config.baseUrl() + "/3.0/lists/" + URLEncoder.encode(list, StandardCharsets.UTF_8)
                + "/members/" + hash);
    }

    private static Delivery failed(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof HttpTimeoutException ? Delivery.transientFailure("timeout", cause.toString())
                : Delivery.transientFailure("network_error", cause.toString());
    }

    /**
     * 2xx delivered; 429 (too many connections or requests) and 5xx retried; a 403 with no problem JSON is
     * how Mailchimp's throttle looks at high volume, retried too; other 4xx, with Mailchimp's problem JSON
     * ({@code title}, {@code detail}, field {@code errors}) as the reason, never succeed as they are.
     */
    static Delivery classify(int status, String body) {
        if (status >= 200 && status < 300) {
            return Delivery.delivered();
        }
        String code = "http_" + status;
        JsonNode problem = problem(body);
        String reason = problem == null ? "HTTP " + status + ": " + abbreviate(body) : describe(status, problem);
        if (status == 429) {
            return Delivery.throttled(code, reason, null);
        }
        if (status >= 500 || status == 408 || (status == 403 && problem == null)) {
            return Delivery.transientFailure(code, reason);
        }
        return Delivery.permanentFailure(code, reason);
    }

    private static String describe(int status, JsonNode problem) {
        StringBuilder s = new StringBuilder("HTTP ").append(status).append(' ')
                .append(problem.path("title").asText("")).append(": ").append(problem.path("detail").asText(""));
        List<String> fields = new ArrayList<>();
        for (JsonNode e : problem.path("errors")) {
            fields.add(e.path("field").asText("") + ": " + e.path("message").asText(""));
        }
        if (!fields.isEmpty()) {
            s.append(" [").append(String.join("; ", fields)).append(']');
        }
        return s.toString();
    }

    private static JsonNode problem(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode n = SegmentJson.parse(body.getBytes(StandardCharsets.UTF_8));
            return n.has("title") || n.has("detail") ? n : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) : body;
    }
}
