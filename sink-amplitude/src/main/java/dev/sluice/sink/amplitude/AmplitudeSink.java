package dev.sluice.sink.amplitude;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.model.SegmentJson;
import dev.sluice.sink.BatchLimits;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivers events to Amplitude's HTTP V2 API, one request per project API key and at most 2,000 events
 * and {@link #MAX_BODY_BYTES} a request. Amplitude's partial answers are followed event by event: a
 * {@code 400} naming events sends only those to the DLQ, a {@code 429} naming users or devices holds back
 * only their events, and the rest of the request is sent again in the same call.
 */
public final class AmplitudeSink implements Sink {

    /** Amplitude's limit is "under 1 MB" a request; 413 still splits if its count differs. */
    static final int MAX_BODY_BYTES = 1_000_000;
    static final int MAX_EVENTS = 2000;
    /** The runtime's batch is counted in stored bytes; the mapped events are about as large or smaller. */
    static final BatchLimits LIMITS = new BatchLimits(MAX_EVENTS, 900 * 1024, 256 * 1024, Duration.ofMillis(200));

    private final AmplitudeConfig config;
    private final AmplitudeEvent mapper;
    private final HttpClient http;

    public AmplitudeSink(AmplitudeConfig config) {
        this.config = config;
        this.mapper = new AmplitudeEvent(config);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public BatchLimits limits() {
        return LIMITS;
    }

    @Override
    public List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) throws InterruptedException {
        Delivery[] results = new Delivery[batch.size()];
        ObjectNode[] events = new ObjectNode[batch.size()];
        byte[][] encoded = new byte[batch.size()][];
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            SinkRecord r = batch.get(i);
            String key = config.apiKeyFor(r.project());
            if (key == null) {
                String why = "no Amplitude API key for project '" + r.project() + "' (SLUICE_AMPLITUDE_API_KEYS)";
                results[i] = config.skipUnmapped() ? Delivery.discarded("no_api_key", why)
                        : Delivery.permanentFailure("no_api_key", why);
                continue;
            }
            AmplitudeEvent.Mapped m = mapper.map(r.value(), r.timestamp());
            if (m.refusal() != null) {
                results[i] = m.refusal();
                continue;
            }
            events[i] = m.event();
            encoded[i] = SegmentJson.toBytes(m.event());
            if (encoded[i].length > MAX_BODY_BYTES - 1024) {
                results[i] = Delivery.permanentFailure("event_too_large", "the Amplitude event is " + encoded[i].length
                        + " bytes, over a request's limit of " + MAX_BODY_BYTES);
                continue;
            }
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        Request request = new Request(events, encoded, results, deadline);
        for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
            for (List<Integer> chunk : chunks(e.getValue(), encoded)) {
                request.send(e.getKey(), chunk);
            }
        }
        return Arrays.asList(results);
    }

    /** Consecutive runs of at most {@link #MAX_EVENTS} events whose body stays under {@link #MAX_BODY_BYTES}. */
    static List<List<Integer>> chunks(List<Integer> indexes, byte[][] encoded) {
        List<List<Integer>> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int i : indexes) {
            int size = encoded[i].length + 1;
            if (!current.isEmpty() && (current.size() == MAX_EVENTS || bytes + size > MAX_BODY_BYTES - 1024)) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(i);
            bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** One deliver call's requests, filling in {@code results}. */
    private final class Request {
        private final ObjectNode[] events;
        private final byte[][] encoded;
        private final Delivery[] results;
        private final Instant deadline;

        Request(ObjectNode[] events, byte[][] encoded, Delivery[] results, Instant deadline) {
            this.events = events;
            this.encoded = encoded;
            this.results = results;
            this.deadline = deadline;
        }

        void send(String apiKey, List<Integer> indexes) throws InterruptedException {
            List<Integer> pending = indexes;
            while (!pending.isEmpty()) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.toMillis() < 1) {
                    settle(pending, Delivery.transientFailure("deadline_exceeded", "not sent: the delivery deadline passed"));
                    return;
                }
                HttpResponse<String> response;
                try {
                    response = http.send(HttpRequest.newBuilder(config.url())
                            .timeout(left.compareTo(config.timeout()) < 0 ? left : config.timeout())
                            .header("Content-Type", "application/json")
                            .header("Accept", "*/*")
                            .header("User-Agent", "sluice-amplitude/0.1")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body(apiKey, pending))).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (HttpTimeoutException e) {
                    settle(pending, Delivery.transientFailure("timeout", e.toString()));
                    return;
                } catch (IOException e) {
                    settle(pending, Delivery.transientFailure("network_error", e.toString()));
                    return;
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    settle(pending, Delivery.delivered());
                    return;
                }
                if (status == 413) {
                    if (pending.size() == 1) {
                        settle(pending, Delivery.permanentFailure("http_413", "Amplitude: payload too large for one event"));
                        return;
                    }
                    int mid = pending.size() / 2;
                    send(apiKey, pending.subList(0, mid));
                    send(apiKey, pending.subList(mid, pending.size()));
                    return;
                }
                if (status == 400) {
                    pending = refuseNamed(pending, AmplitudeResponse.parse(response.body()));
                    continue;
                }
                if (status == 429) {
                    pending = holdThrottled(pending, AmplitudeResponse.parse(response.body()));
                    continue;
                }
                String reason = "HTTP " + status + ": " + AmplitudeResponse.abbreviate(response.body());
                settle(pending, status >= 500 || status == 408
                        ? Delivery.transientFailure("http_" + status, reason)
                        : Delivery.permanentFailure("http_" + status, reason));
                return;
            }
        }

        /**
         * A 400: the events it names go to the DLQ with what was wrong; Amplitude took none of the request,
         * so the others are returned to be sent again. A 400 naming none (a bad API key) refuses them all.
         */
        private List<Integer> refuseNamed(List<Integer> pending, AmplitudeResponse r) {
            List<Integer> rest = new ArrayList<>();
            boolean named = false;
            for (int j = 0; j < pending.size(); j++) {
                int i = pending.get(j);
                List<String> why = r.refused().get(j);
                boolean silenced = r.silencedDevices().contains(events[i].path("device_id").asText(null));
                if (why != null || silenced) {
                    named = true;
                    String fields = why == null ? "silenced device" : String.join(", ", why);
                    results[i] = Delivery.permanentFailure("http_400", "Amplitude refused the event: " + fields
                            + " (" + r.error() + ")");
                } else {
                    rest.add(i);
                }
            }
            if (!named) {
                settle(pending, Delivery.permanentFailure("http_400", "HTTP 400: " + r.error()));
                return List.of();
            }
            return rest;
        }

        /**
         * A 429: the events of the users and devices it names wait Amplitude's back-off; the others are
         * returned to be sent again now. A 429 naming nobody holds back the whole request.
         */
        private List<Integer> holdThrottled(List<Integer> pending, AmplitudeResponse r) {
            List<Integer> rest = new ArrayList<>();
            boolean named = false;
            for (int j = 0; j < pending.size(); j++) {
                int i = pending.get(j);
                String user = events[i].path("user_id").asText(null);
                String device = events[i].path("device_id").asText(null);
                if (r.quotaUsers().contains(user) || r.quotaDevices().contains(device)) {
                    named = true;
                    results[i] = Delivery.transientFailure("amplitude_daily_quota", "Amplitude: this event's "
                            + "user or device is over its daily quota (" + r.error() + ")", config.throttleBackoff());
                } else if (r.throttledUsers().contains(user) || r.throttledDevices().contains(device)
                        || r.throttledEvents().contains(j)) {
                    named = true;
                    results[i] = Delivery.transientFailure("amplitude_throttled", "Amplitude is throttling this "
                            + "event's user or device (" + r.error() + ")", config.throttleBackoff());
                } else {
                    rest.add(i);
                }
            }
            if (!named) {
                settle(pending, Delivery.throttled("http_429", "HTTP 429: " + r.error(), config.throttleBackoff()));
                return List.of();
            }
            return rest;
        }

        private byte[] body(String apiKey, List<Integer> indexes) {
            int size = 128 + apiKey.length();
            for (int i : indexes) {
                size += encoded[i].length + 1;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(size);
            out.writeBytes(("{\"api_key\":" + new TextNode(apiKey) + ",\"events\":[").getBytes(StandardCharsets.UTF_8));
            for (int j = 0; j < indexes.size(); j++) {
                if (j > 0) {
                    out.write(',');
                }
                out.writeBytes(encoded[indexes.get(j)]);
            }
            out.writeBytes(("],\"options\":{\"min_id_length\":" + config.minIdLength() + "}}")
                    .getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }

        private void settle(List<Integer> indexes, Delivery d) {
            indexes.forEach(i -> results[i] = d);
        }
    }
}
