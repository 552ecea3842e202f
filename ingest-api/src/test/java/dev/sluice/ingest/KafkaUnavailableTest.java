package dev.sluice.ingest;

import static dev.sluice.ingest.IngestFixture.KEY_A;
import static dev.sluice.ingest.IngestFixture.basic;
import static dev.sluice.ingest.IngestFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaUnavailableTest {

    private static final String BODY = "{\"userId\":\"u\",\"event\":\"E\"}";

    @Test
    void brokerStoppedMidwayGives503NotA200() throws Exception {
        Path dir = Files.createTempDirectory("sluice-down-");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0);
        try (IngestFixture f = new IngestFixture(broker.bootstrapServers(),
                Map.of("SLUICE_INGEST_KAFKA_TIMEOUT", "PT2S"))) {
            assertThat(f.post("/v1/track", BODY, "Authorization", basic(KEY_A)).statusCode()).isEqualTo(200);

            broker.close();

            // the client gives up well after the configured 2 s: an answer before then is the API's own
            HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/v1/track")))
                    .timeout(Duration.ofSeconds(15)).header("Authorization", basic(KEY_A))
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r.body()).get("code").asText()).isEqualTo("kafka_unavailable");
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(f.admin("/readyz").statusCode()).isEqualTo(503);
        } finally {
            broker.close();
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void unreachableKafkaFromTheStartGives503AndNotReady() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (IngestFixture f = new IngestFixture("localhost:" + closedPort,
                Map.of("SLUICE_INGEST_KAFKA_TIMEOUT", "PT1S"))) {
            HttpResponse<String> r = f.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}]}",
                    "Authorization", basic(KEY_A));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r.body()).get("success").asBoolean()).isFalse();
            assertThat(f.admin("/readyz").statusCode()).isEqualTo(503);
            assertThat(f.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
