package dev.sluice.console;

import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.model.Topics;
import dev.sluice.router.RouterApp;
import dev.sluice.router.RouterConfig;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The real ingest API and router on the shared broker, under a topic prefix of their own: what the console's browser tests watch. */
final class IngestAndRouter implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Topics topics;
    private final Map<String, String> env;
    private final String writeKey;
    private final Path routerState;
    private final IngestApi ingest;
    private final RouterApp router;

    private IngestAndRouter(Topics topics, Map<String, String> env, String writeKey, Path routerState) {
        this.topics = topics;
        this.env = env;
        this.writeKey = writeKey;
        this.routerState = routerState;
        this.ingest = IngestApi.start(IngestConfig.fromEnv(env));
        this.router = RouterApp.start(RouterConfig.fromEnv(env));
    }

    /**
     * @param prefixLetter starts the topic prefix, so each test class's topics are told apart
     * @param writeKey the writeKey of project {@code shop}
     * @param more further settings (a sink's, say), which {@link #env()} then holds too
     */
    static IngestAndRouter start(String prefixLetter, String writeKey, Map<String, String> more) throws Exception {
        Topics topics = new Topics(prefixLetter + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000 + ".");
        Path state = Files.createTempDirectory("console-router-");
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "SLUICE_TOPIC_PREFIX", topics.prefix(),
                "SLUICE_ADMIN_PORT", "0",
                "SLUICE_INGEST_PORT", "0",
                "SLUICE_WRITE_KEYS", writeKey + "=shop",
                "SLUICE_TOPIC_PARTITIONS", "1",
                "SLUICE_ROUTER_APPLICATION_ID", topics.prefix() + "router",
                "SLUICE_ROUTER_STATE_DIR", state.toString()));
        env.putAll(more);
        return new IngestAndRouter(topics, Map.copyOf(env), writeKey, state);
    }

    Topics topics() {
        return topics;
    }

    /** The settings the two services were started with. */
    Map<String, String> env() {
        return env;
    }

    /** POSTs a body to {@code /v1/batch} with the writeKey. */
    HttpResponse<String> send(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ingest.port() + "/v1/batch"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (writeKey + ":").getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            router.close();
        } finally {
            try {
                ingest.close();
            } finally {
                TempDirs.deleteRecursively(routerState);
            }
        }
    }

    /** Closes each of a test class's parts, null or failing ones too: closing the rest matters more. */
    static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable c : parts) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the next one still has to go
            }
        }
    }
}
