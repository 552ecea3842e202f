package dev.sluice.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import dev.sluice.testsupport.TempDirs;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.testsupport.SharedKafka;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** sink-webhook in all-in-one: on when SLUICE_WEBHOOK_CONFIG is set, every endpoint of the file gets the event. */
class AllInOneWebhookTest {

    @Test
    void anEventSentOverHttpReachesEveryWebhookEndpoint() throws Exception {
        Path data = Files.createTempDirectory("sluice-aio-wh-");
        Queue<String> bodies = new ConcurrentLinkedQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            bodies.add(ex.getRequestURI().getPath() + " " + new String(ex.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Path config = Files.writeString(data.resolve("webhooks.json"), "{\"endpoints\":["
                + "{\"name\":\"one\",\"url\":\"" + base + "/one\"},"
                + "{\"name\":\"two\",\"url\":\"" + base + "/two\",\"mode\":\"single\"}]}");
        try (AllInOne sluice = AllInOne.start(Map.of("SLUICE_DATA_DIR", data.toString(), "SLUICE_KAFKA_PORT", "0",
                "SLUICE_INGEST_PORT", "0", "SLUICE_ROUTER_ADMIN_PORT", "0", "SLUICE_INGEST_ADMIN_PORT", "0",
                "SLUICE_WEBHOOK_CONFIG", config.toString(), "SINK_WEBHOOK__SLUICE_ADMIN_PORT", "0"))) {
            String auth = "Basic " + Base64.getEncoder().encodeToString("dev-write-key:".getBytes());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + sluice.ingestPort() + "/v1/track")).header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u\",\"event\":\"Hooked\","
                            + "\"messageId\":\"aio-wh-1\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);

            await().atMost(60, TimeUnit.SECONDS).until(() -> bodies.size() >= 2);
            assertThat(bodies).anySatisfy(b -> assertThat(b).startsWith("/one [{").contains("\"messageId\":\"aio-wh-1\""))
                    .anySatisfy(b -> assertThat(b).startsWith("/two {").contains("\"messageId\":\"aio-wh-1\""));
            assertThat(sluice.sinkAdminPort("sink-webhook")).isPositive();
        } finally {
            receiver.stop(0);
            TempDirs.deleteRecursively(data);
        }
    }
}
