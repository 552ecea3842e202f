package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.Topics;
import dev.sluice.runtime.KafkaSettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.junit.jupiter.api.Test;

/** The console's access rules over real HTTP; Kafka stands aside (a MockConsumer with no topics). */
class ConsoleSecurityTest {

    private static final String TOKEN = "test-token-0123456789abcdef";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Console start(String bind, String token) {
        ConsoleConfig config = new ConsoleConfig(new KafkaSettings("unused:9092", new Topics("sec."), 1, 1), bind, 0,
                token, 10, 100);
        return Console.start(config, new MockConsumer<>(AutoOffsetResetStrategy.LATEST.name()),
                new ClusterClients("unused:9092"), Clock.systemUTC());
    }

    private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String path, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sessionCookie(HttpResponse<?> r) {
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void offLoopbackEveryPageAndApiNeedsTheTokenOrALoginSession() throws Exception {
        try (Console console = start("0.0.0.0", TOKEN)) {
            int port = console.port();

            assertThat(get(port, "/api/events").statusCode()).isEqualTo(401);
            assertThat(get(port, "/api/events", "Authorization", "Bearer wrong-token-0123456789").statusCode())
                    .isEqualTo(401);
            assertThat(get(port, "/api/live").statusCode()).isEqualTo(401);
            for (String path : new String[] {"/api/destinations", "/api/dlq/sluice-sink-forwarder",
                    "/api/replay/sluice-sink-forwarder", "/api/deliveries/live", "/metrics"}) {
                assertThat(get(port, path).statusCode()).as(path).isEqualTo(401);
            }
            for (String path : new String[] {"/api/dlq/sluice-sink-forwarder/redrive", "/api/replay/sluice-sink-forwarder",
                    "/api/replay/sluice-sink-forwarder/cancel"}) {
                assertThat(post(port, path, "{}", "Content-Type", "application/json").statusCode()).as(path)
                        .isEqualTo(401);
            }
            assertThat(get(port, "/app.js").statusCode()).isEqualTo(303);
            HttpResponse<String> page = get(port, "/");
            assertThat(page.statusCode()).isEqualTo(303);
            assertThat(page.headers().firstValue("Location")).hasValue("/login");
            assertThat(get(port, "/login").body()).contains("SLUICE_CONSOLE_TOKEN");
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

            HttpResponse<String> bearer = get(port, "/api/events", "Authorization", "Bearer " + TOKEN);
            assertThat(bearer.statusCode()).isEqualTo(200);
            assertThat(bearer.body()).isEqualTo("{\"events\":[]}");

            HttpResponse<String> badLogin = post(port, "/login", "token=wrong-token-0123456789");
            assertThat(badLogin.statusCode()).isEqualTo(401);
            assertThat(badLogin.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(badLogin.body()).contains("That is not the token");

            HttpResponse<String> login = post(port, "/login", "token=" + TOKEN, "Origin", "http://127.0.0.1:" + port);
            assertThat(login.statusCode()).isEqualTo(303);
            String cookie = sessionCookie(login);
            assertThat(cookie).doesNotContain(TOKEN);
            assertThat(get(port, "/api/events", "Cookie", cookie).statusCode()).isEqualTo(200);
            assertThat(get(port, "/", "Cookie", cookie).statusCode()).isEqualTo(200);

            assertThat(post(port, "/logout", "", "Cookie", cookie).statusCode()).isEqualTo(303);
            assertThat(get(port, "/api/events", "Cookie", cookie).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aCrossSitePostIsRefusedEvenWithTheRightToken() throws Exception {
        try (Console console = start("0.0.0.0", TOKEN)) {
            int port = console.port();

            HttpResponse<String> fetchMetadata = post(port, "/login", "token=" + TOKEN, "Sec-Fetch-Site", "cross-site");
            assertThat(fetchMetadata.statusCode()).isEqualTo(403);
            assertThat(fetchMetadata.body()).contains("cross_site_request");
            assertThat(fetchMetadata.headers().firstValue("Set-Cookie")).isEmpty();

            HttpResponse<String> origin = post(port, "/login", "token=" + TOKEN, "Origin", "http://evil.example");
            assertThat(origin.statusCode()).isEqualTo(403);

            HttpResponse<String> sameSite = post(port, "/logout", "", "Authorization", "Bearer " + TOKEN,
                    "Sec-Fetch-Site", "same-site");
            assertThat(sameSite.statusCode()).isEqualTo(403);

            // redrive and replay: refused from another site before anything is read or written
            for (String path : new String[] {"/api/dlq/sluice-sink-forwarder/redrive", "/api/replay/sluice-sink-forwarder",
                    "/api/replay/sluice-sink-forwarder/cancel"}) {
                HttpResponse<String> r = post(port, path, "{\"reason\":\"http_400\"}", "Authorization",
                        "Bearer " + TOKEN, "Sec-Fetch-Site", "cross-site");
                assertThat(r.statusCode()).as(path).isEqualTo(403);
                assertThat(r.body()).contains("cross_site_request");
                assertThat(post(port, path, "{}", "Authorization", "Bearer " + TOKEN, "Origin", "http://evil.example")
                        .statusCode()).as(path).isEqualTo(403);
                // and an HTML form, whatever its origin, cannot send JSON
                assertThat(post(port, path, "reason=http_400", "Authorization", "Bearer " + TOKEN).statusCode())
                        .as(path).isEqualTo(415);
            }

            // the console's own form, as a browser sends it
            assertThat(post(port, "/login", "token=" + TOKEN, "Sec-Fetch-Site", "same-origin",
                    "Origin", "http://127.0.0.1:" + port).statusCode()).isEqualTo(303);
        }
    }

    @Test
    void onLoopbackWithoutATokenItAnswersOnlyToALoopbackHostName() throws Exception {
        try (Console console = start("127.0.0.1", null)) {
            int port = console.port();

            assertThat(get(port, "/api/events").statusCode()).isEqualTo(200);
            assertThat(get(port, "/").body()).contains("<title>Sluice console</title>");
            // a page on another site that rebinds its own name to 127.0.0.1 sends its name as Host
            assertThat(rawStatus(port, "GET /api/events HTTP/1.1\r\nHost: attacker.example:" + port
                    + "\r\nConnection: close\r\n\r\n")).isEqualTo(421);
            assertThat(rawStatus(port, "GET /api/events HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nConnection: close\r\n\r\n")).isEqualTo(200);
            assertThat(post(port, "/logout", "", "Origin", "http://evil.example").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void pagesForbidFramingAndEverythingNotFromTheConsoleItself() throws Exception {
        try (Console console = start("127.0.0.1", null)) {
            HttpResponse<String> page = get(console.port(), "/");

            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Console.CONTENT_SECURITY_POLICY);
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(page.body()).doesNotContain("http://").doesNotContain("https://");
            assertThat(get(console.port(), "/app.js").body()).doesNotContain("http://").doesNotContain("https://");
            assertThat(get(console.port(), "/app.css").body()).doesNotContain("url(");
        }
    }

    /** A request written by hand: java.net.http will not send a Host header of our choosing. */
    private static int rawStatus(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
