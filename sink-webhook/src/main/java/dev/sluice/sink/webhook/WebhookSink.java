package dev.sluice.sink.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.SegmentJson;
import dev.sluice.sink.BatchLimits;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers events to one webhook endpoint: a JSON array per request (batch mode) or one event per request
 * (single mode, up to {@code maxEvents} requests in flight), each with an idempotency key and, when the
 * endpoint has a secret, an HMAC signature. A batch the endpoint refuses as bad (400, 413, 422) is halved
 * until the refused events are alone, so one bad event does not take the others to the DLQ.
 */
public final class WebhookSink implements Sink {

    static final String USER_AGENT = "sluice-webhook/" + version();
    static final String EVENT_COUNT_HEADER = "X-Sluice-Event-Count";

    /** Refusals that may be about one event of a batch rather than the whole request. */
    private static final Set<Integer> SPLITTABLE = Set.of(400, 413, 422);

    private final Endpoint endpoint;
    private final HttpClient http;
    private final Clock clock;
    private final RequestSignature signature;
    private final BatchLimits limits;

    public WebhookSink(Endpoint endpoint) {
        this(endpoint, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build(), Clock.systemUTC());
    }

    WebhookSink(Endpoint endpoint, HttpClient http, Clock clock) {
        this.endpoint = endpoint;
        this.http = http;
        this.clock = clock;
        this.signature = endpoint.secret() == null ? null : new RequestSignature(endpoint.secret());
        Duration linger = Duration.ofMillis(200);
        if (endpoint.mode() == Endpoint.Mode.BATCH) {
            // the array's brackets and commas take maxEvents + 1 bytes beside the events
            long room = endpoint.maxBytes() - endpoint.maxEvents() - 1;
            this.limits = new BatchLimits(endpoint.maxEvents(), room, (int) Math.min(Integer.MAX_VALUE, room), linger);
        } else {
            int perEvent = (int) Math.min(Integer.MAX_VALUE, endpoint.maxBytes());
            this.limits = new BatchLimits(endpoint.maxEvents(), (long) perEvent * endpoint.maxEvents(), perEvent, linger);
        }
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public BatchLimits limits() {
        return limits;
    }

    @Override
    public List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) throws InterruptedException {
        Delivery[] results = new Delivery[batch.size()];
        List<Integer> wanted = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Delivery excluded = excluded(batch.get(i));
            if (excluded == null) {
                wanted.add(i);
            } else {
                results[i] = excluded;
            }
        }
        if (endpoint.mode() == Endpoint.Mode.BATCH) {
            sendBatch(wanted, batch, results, deadline);
        } else {
            sendEach(wanted, batch, results, deadline);
        }
        return Arrays.asList(results);
    }

    /** Null when the endpoint wants the event; else what becomes of it here. */
    private Delivery excluded(SinkRecord r) {
        EndpointFilter filter = endpoint.filter();
        String name = null;
        if (filter.needsEventName()) {
            try {
                name = eventName(SegmentJson.parse(r.value()), r.type());
            } catch (SegmentJson.InvalidJsonException e) {
                return Delivery.permanentFailure("invalid_event", "stored event is not JSON: " + e.getMessage());
            }
        }
        if (filter.matches(r.project(), r.type(), name)) {
            return null;
        }
        return Delivery.discarded("filtered", "excluded by endpoint " + endpoint.name() + "'s filter");
    }

    /** A track's {@code event}, a page's or screen's {@code name}; null for other types. */
    static String eventName(JsonNode event, String type) {
        String field = switch (type == null ? "" : type) {
            case "track" -> "event";
            case "page", "screen" -> "name";
            default -> null;
        };
        JsonNode v = field == null ? null : event.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    private void sendBatch(List<Integer> indexes, List<SinkRecord> batch, Delivery[] results, Instant deadline)
            throws InterruptedException {
        if (indexes.isEmpty()) {
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('[');
        List<String> ids = new ArrayList<>(indexes.size());
        for (int k = 0; k < indexes.size(); k++) {
            SinkRecord r = batch.get(indexes.get(k));
            if (k > 0) {
                body.write(',');
            }
            body.writeBytes(r.value());
            ids.add(messageId(r));
        }
        body.write(']');
        Delivery d = await(send(body.toByteArray(), batchKey(ids), indexes.size(), deadline), deadline);
        if (d.outcome() == Delivery.Outcome.PERMANENT && indexes.size() > 1 && SPLITTABLE.contains(status(d))) {
            int mid = indexes.size() / 2;
            sendBatch(indexes.subList(0, mid), batch, results, deadline);
            sendBatch(indexes.subList(mid, indexes.size()), batch, results, deadline);
            return;
        }
        indexes.forEach(i -> results[i] = d);
    }

    /** One request per event, all in flight together; each bounded by the deadline. */
    private void sendEach(List<Integer> indexes, List<SinkRecord> batch, Delivery[] results, Instant deadline)
            throws InterruptedException {
        List<CompletableFuture<Delivery>> calls = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            SinkRecord r = batch.get(i);
            calls.add(send(r.value(), messageId(r), 1, deadline));
        }
        for (int k = 0; k < indexes.size(); k++) {
            results[indexes.get(k)] = await(calls.get(k), deadline);
        }
    }

    private static int status(Delivery d) {
        return d.code() != null && d.code().startsWith("http_") ? Integer.parseInt(d.code().substring(5)) : 0;
    }

    /** Starts one POST; a request that cannot start before the deadline is a transient failure at once. */
    private CompletableFuture<Delivery> send(byte[] body, String idempotencyKey, int events, Instant deadline) {
        Instant now = clock.instant();
        Duration left = Duration.between(now, deadline);
        if (left.toMillis() < 1) {
            return CompletableFuture.completedFuture(Delivery.transientFailure("deadline_exceeded",
                    "not sent: the delivery deadline passed"));
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint.url())
                .timeout(left.compareTo(endpoint.timeout()) < 0 ? left : endpoint.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header("Idempotency-Key", idempotencyKey)
                .header(EVENT_COUNT_HEADER, Integer.toString(events))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        endpoint.headers().forEach(req::header);
        if (signature != null) {
            req.header(RequestSignature.HEADER, signature.header(body, now.getEpochSecond()));
        }
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> ResponseOutcome.of(response.statusCode(), reasonText(response),
                        response.headers().firstValue("Retry-After").orElse(null), clock.instant()))
                .exceptionally(WebhookSink::networkFailure);
    }

    /** Waits for a request until the deadline; one still open then is abandoned and retried later. */
    private static Delivery await(CompletableFuture<Delivery> call, Instant deadline) throws InterruptedException {
        long leftMs = Duration.between(Instant.now(), deadline).toMillis();
        try {
            return call.get(Math.max(1, leftMs), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return Delivery.transientFailure("deadline_exceeded", "no answer by the delivery deadline");
        } catch (ExecutionException e) {
            return networkFailure(e.getCause());
        }
    }

    private static Delivery networkFailure(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                ? t.getCause() : t;
        if (cause instanceof HttpTimeoutException) {
            return Delivery.transientFailure("timeout", cause.toString());
        }
        return Delivery.transientFailure("network_error", cause.toString());
    }

    /** At most the reason's worth of the body: a 2xx body is not read beyond that either. */
    private static String reasonText(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] head = in.readNBytes(ResponseOutcome.MAX_REASON_CHARS * 4);
            return new String(head, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(body unreadable: " + e + ")";
        }
    }

    /** The router sets {@code sluice.message-id} on every event; the event's own field, or a digest, otherwise. */
    static String messageId(SinkRecord r) {
        String id = EventHeaders.text(r.headers(), EventHeaders.MESSAGE_ID);
        if (id != null && !id.isEmpty()) {
            return id;
        }
        try {
            JsonNode v = SegmentJson.parse(r.value()).get("messageId");
            if (v != null && v.isTextual() && !v.asText().isEmpty()) {
                return v.asText();
            }
        } catch (SegmentJson.InvalidJsonException notJson) {
            // falls through to the digest: the endpoint will likely refuse it, but the key is still stable
        }
        return "sha256-" + HexFormat.of().formatHex(sha256().digest(r.value()));
    }

    /**
     * A batch's Idempotency-Key: hex SHA-256 of its messageIds in body order, joined with {@code \n}. The
     * same events retried together give the same key; the ids themselves are in the body.
     */
    static String batchKey(List<String> messageIds) {
        return HexFormat.of().formatHex(sha256().digest(String.join("\n", messageIds)
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = WebhookSink.class.getResourceAsStream("/sluice-webhook.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "dev");
    }
}
