package dev.sluice.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.EventType;
import dev.sluice.model.RawEnvelope;
import dev.sluice.model.Rejection;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Segment Tracking API: authenticates, parses, checks limits and rules, writes to Kafka and
 * answers 200 only once Kafka has acknowledged everything the request carried.
 */
public final class TrackingHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingHandler.class);
    /** The smallest transparent GIF, as Segment's pixel API answers. */
    static final byte[] PIXEL_GIF = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private final IngestConfig config;
    private final RequestGate gate;
    private final BodyReader bodyReader;
    private final RequestParser parser;
    private final EventAdmission admission;
    private final IngestPublisher publisher;
    private final IngestMetrics metrics;

    public TrackingHandler(IngestConfig config, IngestPublisher publisher, IngestMetrics metrics) {
        this.config = config;
        this.gate = new RequestGate(new WriteKeyResolver(config.writeKeys()), config.rateLimitPerSecond(),
                config.rateLimitFailedAuthPerAddress());
        this.bodyReader = new BodyReader(config.maxRequestBytes());
        this.parser = new RequestParser(config.maxEventBytes(), config.maxBatchEvents());
        this.admission = new EventAdmission(config.maxEventBytes());
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** POST of a single event ({@code singleType} present) or of a batch. */
    public void post(Context ctx, Optional<EventType> singleType, String route) throws Exception {
        long start = System.nanoTime();
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, so the router sees the same
        try {
            Optional<String> project = gate.beforeBody(ctx.header("Authorization"), ctx.ip(), start);
            byte[] body = bodyReader.read(ctx.req().getInputStream(), ctx.header("Content-Encoding"));
            ParsedRequest request = singleType.isPresent()
                    ? parser.parseSingle(body, singleType.get()) : parser.parseBatch(body);
            ingest(ctx, project, request, body.length, receivedAt, route, start, false);
        } catch (IngestException e) {
            respondError(ctx, e, route, start);
        }
    }

    /** {@code GET /v1/pixel/<type>?data=<base64 JSON>}: the event rides in the URL, the answer is a GIF. */
    public void pixel(Context ctx) {
        long start = System.nanoTime();
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, so the router sees the same
        String route = "/v1/pixel";
        try {
            Optional<EventType> type = EventType.fromWire(ctx.pathParam("type"));
            if (type.isEmpty()) {
                throw new IngestException(404, "unknown_type", "unknown pixel type " + ctx.pathParam("type"));
            }
            String data = ctx.queryParam("data");
            if (data == null || data.isEmpty()) {
                throw IngestException.badRequest("missing_data", "the data query parameter is required");
            }
            byte[] json;
            try {
                json = data.indexOf('-') >= 0 || data.indexOf('_') >= 0
                        ? Base64.getUrlDecoder().decode(data) : Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw IngestException.badRequest("invalid_data", "data must be base64-encoded JSON");
            }
            Optional<String> project = gate.beforeBody(ctx.header("Authorization"), ctx.ip(), start);
            ingest(ctx, project, parser.parseSingle(json, type.get()), json.length, receivedAt, route, start, true);
        } catch (IngestException e) {
            respondError(ctx, e, route, start);
        }
    }

    private void ingest(Context ctx, Optional<String> authenticated, ParsedRequest request, int bodyBytes,
                        Instant receivedAt, String route, long start, boolean pixel) {
        String project = gate.afterBody(authenticated, request.bodyWriteKey(), ctx.ip(), start);
        EventAdmission.Decision decision = admission.decide(request, bodyBytes, receivedAt);
        List<IncomingEvent> valid = decision.valid();
        List<RejectedEvent> rejected = decision.rejected();
        byte[] envelope = valid.isEmpty() ? null : RawEnvelope.encode(project, receivedAt, request.sentAt(),
                ctx.ip(), ctx.header("User-Agent"), request.context(), request.integrations(),
                valid.stream().map(IncomingEvent::json).toList());

        CompletableFuture<Void> written = publisher.publish(project, envelope, rejected)
                .orTimeout(config.kafkaTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.future(() -> written.handle((ok, error) -> {
            if (error != null) {
                LOG.warn("event=kafka_write_failed project={} route={} events={} error=\"{}\"", project, route,
                        request.events().size(), error.getClass().getSimpleName() + ": " + error.getMessage());
                countEvents(project, request.events(), "failed");
                ctx.header("Retry-After", "1");
                JsonResponses.error(ctx, 503, "kafka_unavailable",
                        "events could not be stored in time; retry later");
            } else {
                countEvents(project, valid, "accepted");
                countEvents(project, rejected.stream().map(RejectedEvent::event).toList(), "rejected");
                if (envelope == null) {
                    Rejection first = rejected.get(0).rejection();
                    JsonResponses.error(ctx, 400, first.code(), rejected.size() == 1 ? first.message()
                            : "all " + rejected.size() + " events are invalid; first: " + first.message());
                } else if (pixel) {
                    ctx.status(200).contentType("image/gif").result(PIXEL_GIF);
                } else {
                    JsonResponses.success(ctx);
                }
            }
            metrics.request(route, ctx.statusCode(), start);
            return null;
        }));
    }

    /** {@code POST /v1/m}: analytics.js's own telemetry. Counted and answered, never stored or read. */
    public void telemetry(Context ctx) {
        long start = System.nanoTime();
        JsonResponses.success(ctx);
        metrics.request("/v1/m", 200, start);
    }

    private void respondError(Context ctx, IngestException e, String route, long start) {
        if (e.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            ctx.header("X-RateLimit-Reset", Long.toString(e.retryAfterSeconds()));
        }
        JsonResponses.error(ctx, e.status(), e.code(), e.getMessage());
        metrics.request(route, e.status(), start);
    }

    private void countEvents(String project, List<IncomingEvent> events, String outcome) {
        Map<String, Integer> byType = new HashMap<>();
        for (IncomingEvent e : events) {
            byType.merge(typeOf(e.fields()), 1, Integer::sum);
        }
        byType.forEach((type, n) -> metrics.events(project, type, outcome, n));
    }

    private static String typeOf(JsonNode event) {
        JsonNode t = event.get("type");
        return t != null && t.isTextual() && EventType.fromWire(t.asText()).isPresent() ? t.asText() : "invalid";
    }
}
