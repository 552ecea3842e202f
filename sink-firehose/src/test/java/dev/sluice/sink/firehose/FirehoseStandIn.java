package dev.sluice.sink.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sluice.model.SegmentJson;
import dev.sluice.testsupport.HttpStandIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Firehose on loopback: speaks AWS JSON 1.1 ({@code X-Amz-Target: Firehose_20150804.PutRecordBatch}),
 * enforces the real limits, records what it accepted, and injects the faults a test asks for.
 */
final class FirehoseStandIn extends HttpStandIn {

    /** One accepted Firehose record: its stream, decoded data and when it was accepted. */
    record Accepted(String stream, String data, long atMillis) {
    }

    // a queue, not a CopyOnWriteArrayList: that copies the whole list on every add (quadratic in benchmarks)
    final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    /** Records accepted so far (the queue's size() walks it all). */
    final AtomicInteger acceptedCount = new AtomicInteger();
    final Set<String> knownStreams = ConcurrentHashMap.newKeySet();
    volatile double partialFailureRate;
    volatile int throttleNextCalls;
    /** How long each PutRecordBatch takes to answer (AWS's own round trip, ~100 ms and more; 0 on loopback). */
    volatile long callDelayMillis;
    /** Until this time, every call is refused as AWS refuses an expired session token. */
    volatile long expiredCredentialsUntilMillis;
    private final Random random = new Random(42);

    FirehoseStandIn(String... streams) throws IOException {
        super("/", 4);
        knownStreams.addAll(List.of(streams));
    }

    String endpoint() {
        return baseUrl();
    }

    /** Each event line of each accepted record. */
    List<String> events() {
        return accepted.stream().flatMap(a -> a.data().lines()).toList();
    }

    @Override
    protected void fail(HttpExchange ex, int status) throws IOException {
        error(ex, status, status >= 500 ? "ServiceUnavailableException" : "InternalFailure",
                down ? "service is down" : "injected");
    }

    @Override
    protected void handle(HttpExchange ex, byte[] body) throws IOException {
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (!"application/x-amz-json-1.1".equals(contentType) || target == null
                || ex.getRequestHeaders().getFirst("Authorization") == null) {
            error(ex, 400, "SerializationException", "not an AWS JSON 1.1 signed request");
            return;
        }
        if (System.currentTimeMillis() < expiredCredentialsUntilMillis) {
            error(ex, 400, "ExpiredTokenException", "The security token included in the request is expired");
            return;
        }
        if (throttleNextCalls > 0) {
            throttleNextCalls--;
            error(ex, 400, "ThrottlingException", "Rate exceeded");
            return;
        }
        if (!target.equals("Firehose_20150804.PutRecordBatch")) {
            error(ex, 400, "UnknownOperationException", target);
            return;
        }
        if (callDelayMillis > 0) {
            try {
                Thread.sleep(callDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        JsonNode req = SegmentJson.parse(body);
        String stream = req.get("DeliveryStreamName").asText();
        if (!knownStreams.contains(stream)) {
            error(ex, 400, "ResourceNotFoundException", "Firehose " + stream + " under account 123456789012 not found.");
            return;
        }
        ArrayNode records = (ArrayNode) req.get("Records");
        if (records.size() > 500 || body.length > 4 * 1024 * 1024 * 4 / 3 + 1024) {
            error(ex, 400, "InvalidArgumentException", "too many records or bytes: " + records.size());
            return;
        }
        ObjectNode resp = SegmentJson.newObject();
        ArrayNode responses = resp.putArray("RequestResponses");
        int failed = 0;
        long total = 0;
        for (JsonNode r : records) {
            byte[] data = Base64.getDecoder().decode(r.get("Data").asText());
            total += data.length;
            if (data.length > 1_024_000) {
                error(ex, 400, "InvalidArgumentException", "record larger than 1,000 KiB");
                return;
            }
            ObjectNode entry = responses.addObject();
            if (random.nextDouble() < partialFailureRate) {
                entry.put("ErrorCode", "ServiceUnavailableException");
                entry.put("ErrorMessage", "Slow down.");
                failed++;
            } else {
                accepted.add(new Accepted(stream, new String(data, StandardCharsets.UTF_8), System.currentTimeMillis()));
                acceptedCount.incrementAndGet();
                entry.put("RecordId", UUID.randomUUID().toString());
            }
        }
        if (total > 4L * 1024 * 1024) {
            error(ex, 400, "InvalidArgumentException", "request data over 4 MiB");
            return;
        }
        resp.put("FailedPutCount", failed);
        resp.put("Encrypted", false);
        send(ex, 200, SegmentJson.toBytes(resp));
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        ObjectNode e = SegmentJson.newObject();
        e.put("__type", type);
        e.put("message", message);
        ex.getResponseHeaders().set("x-amzn-ErrorType", type);
        send(ex, status, SegmentJson.toBytes(e));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        send(ex, status, "application/x-amz-json-1.1", body);
    }
}
