package dev.sluice.ingest;

import static dev.sluice.ingest.IngestFixture.KEY_A;
import static dev.sluice.ingest.IngestFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a stranger on the internet can reach on the public port, and what it costs them to try. */
class PublicEdgeTest {

    @Test
    void thePublicPortServesTheApiAndLivenessOnlyMetricsAndReadinessAreOnLoopback() throws Exception {
        try (IngestFixture f = new IngestFixture(Map.of())) {
            f.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}", "Authorization", basic(KEY_A));
            assertThat(f.get("/metrics").statusCode()).isEqualTo(404);
            assertThat(f.get("/readyz").statusCode()).isEqualTo(404);
            assertThat(f.get("/healthz").statusCode()).isEqualTo(200);

            assertThat(f.admin("/metrics").body()).contains("sluice_ingest_events_total");
            assertThat(f.admin("/readyz").statusCode()).isEqualTo(200);
            assertThat(f.api.adminPort()).isPositive();
        }
        // the admin server listens on loopback unless told otherwise
        IngestConfig defaults = IngestConfig.fromEnv(Map.of("SLUICE_WRITE_KEYS", "k=p"));
        assertThat(InetAddress.getByName(defaults.adminBind()).isLoopbackAddress()).isTrue();
        assertThat(defaults.adminPort()).isEqualTo(9100);
    }

    @Test
    void corsIsOnTheTrackingApiOnlyAndAPreflightFromAnyOriginStillWorks() throws Exception {
        try (IngestFixture f = new IngestFixture(Map.of())) {
            HttpResponse<Void> pre = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/v1/batch")))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://any-customer-site.example")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.discarding());
            assertThat(pre.statusCode()).isEqualTo(204);
            assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://any-customer-site.example");

            HttpResponse<String> health = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/healthz")))
                    .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(health.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        }
    }

    /**
     * A request whose body is never sent: if the server tried to read it, it would wait for it and
     * this would time out; an answer proves the refusal came before the body was read.
     */
    private static String headersOnly(int port, String path, String authorization) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Content-Length: 400000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            return in.readLine();
        }
    }

    @Test
    void guessingWriteKeysIsLimitedPerAddressBeforeBodiesAreRead() throws Exception {
        try (IngestFixture f = new IngestFixture(Map.of("SLUICE_RATE_LIMIT_FAILED_AUTH_PER_ADDRESS", "0.5"))) {
            int port = f.api.port();
            // an unknown Basic key is refused without its body
            assertThat(headersOnly(port, "/v1/batch", basic("guess-1"))).contains("401");
            // body keys have to be read; failures use up the address's allowance
            String guess = "{\"writeKey\":\"guess-2\",\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}]}";
            HttpResponse<String> lastGuess = f.post("/v1/batch", guess);
            for (int i = 0; i < 5 && lastGuess.statusCode() == 401; i++) {
                lastGuess = f.post("/v1/batch", guess);
            }
            assertThat(lastGuess.statusCode()).isEqualTo(429);
            assertThat(lastGuess.headers().firstValue("Retry-After")).isPresent();
            // from now on, keyless requests from this address are refused unread
            assertThat(headersOnly(port, "/v1/batch", null)).contains("429");
            // while a valid key from the same address (many clients behind one proxy) still goes through
            assertThat(f.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}", "Authorization", basic(KEY_A))
                    .statusCode()).isEqualTo(200);
            assertThat(f.rawCount()).isEqualTo(1);
        }
    }

    @Test
    void analyticsJsTelemetryIsAnsweredAndCountedNotStored() throws Exception {
        try (IngestFixture f = new IngestFixture(Map.of())) {
            HttpResponse<String> r = f.post("/v1/m", "{\"series\":[{\"type\":\"Counter\",\"metric\":\"analytics_js.invoke\","
                    + "\"value\":1,\"tags\":{}}]}", "Origin", "https://shop.example");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.example");
            assertThat(f.admin("/metrics").body()).contains("route=\"/v1/m\"");
            assertThat(f.rawCount()).isZero();
        }
    }
}
