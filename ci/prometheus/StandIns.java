import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Destinations for the Prometheus check, JDK only (run as {@code java StandIns.java}): Segment's
 * {@code /v1/batch} accepting everything except events whose userId is {@code reject-me} (a 400, so
 * the forwarder dead-letters them), Firehose's AWS JSON 1.1 {@code PutRecordBatch} accepting
 * every record, a webhook endpoint ({@code /hook}), Amplitude's HTTP V2 {@code /2/httpapi} and Mailchimp's
 * member {@code PUT} accepting everything. Prints the URLs and ten free ports, then serves until killed.
 */
public final class StandIns {

    private static final Pattern DATA = Pattern.compile("\"Data\"\\s*:");
    private static final AtomicLong SEGMENT_EVENTS = new AtomicLong();
    private static final AtomicLong FIREHOSE_RECORDS = new AtomicLong();
    private static final AtomicLong WEBHOOK_EVENTS = new AtomicLong();
    private static final AtomicLong AMPLITUDE_EVENTS = new AtomicLong();
    private static final AtomicLong MAILCHIMP_MEMBERS = new AtomicLong();

    public static void main(String[] args) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/batch", StandIns::segment);
        server.createContext("/hook", ex -> {
            WEBHOOK_EVENTS.addAndGet(count(body(ex), Pattern.compile("\"messageId\"\\s*:")));
            send(ex, 200, "{}");
        });
        server.createContext("/2/httpapi", StandIns::amplitude);
        server.createContext("/3.0/lists/", StandIns::mailchimp);
        server.createContext("/stats", ex -> send(ex, 200, "{\"segmentEvents\":" + SEGMENT_EVENTS.get()
                + ",\"firehoseRecords\":" + FIREHOSE_RECORDS.get() + ",\"webhookEvents\":" + WEBHOOK_EVENTS.get()
                + ",\"amplitudeEvents\":" + AMPLITUDE_EVENTS.get() + ",\"mailchimpMembers\":" + MAILCHIMP_MEMBERS.get()
                + "}"));
        server.createContext("/", StandIns::firehose);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.append(i == 0 ? "" : " ").append(s.getLocalPort());
            }
        }
        System.out.println("SEGMENT_URL=" + base + "/v1/batch");
        System.out.println("FIREHOSE_ENDPOINT=" + base);
        System.out.println("AMPLITUDE_URL=" + base + "/2/httpapi");
        System.out.println("MAILCHIMP_URL=" + base);
        System.out.println("STATS_URL=" + base + "/stats");
        System.out.println("WEBHOOK_URL=" + base + "/hook");
        System.out.println("FREE_PORTS=\"" + ports + "\"");
        System.out.flush();
    }

    private static void segment(HttpExchange ex) throws IOException {
        String body = body(ex);
        if (body.contains("\"userId\":\"reject-me\"")) {
            send(ex, 400, "{\"success\":false,\"error\":\"invalid event\"}");
            return;
        }
        SEGMENT_EVENTS.addAndGet(count(body, Pattern.compile("\"messageId\"\\s*:")));
        send(ex, 200, "{\"success\":true}");
    }

    private static void amplitude(HttpExchange ex) throws IOException {
        int events = count(body(ex), Pattern.compile("\"insert_id\"\\s*:"));
        AMPLITUDE_EVENTS.addAndGet(events);
        send(ex, 200, "{\"code\":200,\"events_ingested\":" + events + "}");
    }

    private static void mailchimp(HttpExchange ex) throws IOException {
        body(ex);
        MAILCHIMP_MEMBERS.incrementAndGet();
        send(ex, 200, "{\"status\":\"subscribed\"}");
    }

    private static void firehose(HttpExchange ex) throws IOException {
        String body = body(ex);
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"Firehose_20150804.PutRecordBatch".equals(target)) {
            send(ex, 400, "{\"__type\":\"UnknownOperationException\",\"message\":\"" + target + "\"}");
            return;
        }
        int records = count(body, DATA);
        FIREHOSE_RECORDS.addAndGet(records);
        StringBuilder out = new StringBuilder("{\"FailedPutCount\":0,\"Encrypted\":false,\"RequestResponses\":[");
        for (int i = 0; i < records; i++) {
            out.append(i == 0 ? "" : ",").append("{\"RecordId\":\"").append(UUID.randomUUID()).append("\"}");
        }
        send(ex, 200, out.append("]}").toString());
    }

    private static int count(String body, Pattern p) {
        Matcher m = p.matcher(body);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String body(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type",
                ex.getRequestHeaders().getFirst("X-Amz-Target") != null ? "application/x-amz-json-1.1" : "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
