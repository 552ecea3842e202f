package dev.sluice.ingest;

import dev.sluice.model.EventType;
import dev.sluice.runtime.AdminServer;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP server and the Kafka side, started and stopped as one. The public port serves the
 * Tracking API, the pixel and a bare liveness answer; readiness and metrics (every project id is a
 * label) are on the admin server, which listens on loopback unless {@code SLUICE_ADMIN_BIND} says
 * otherwise.
 */
public final class IngestApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApi.class);

    private final IngestConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final IngestPublisher publisher;
    private final KafkaReadiness readiness;
    private final Javalin app;
    private AdminServer admin;

    private IngestApi(IngestConfig config) {
        this.config = config;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        this.publisher = new IngestPublisher(config, registry);
        this.readiness = new KafkaReadiness(config.kafka().bootstrapServers(), Duration.ofSeconds(2));
        TrackingHandler tracking = new TrackingHandler(config, publisher, new IngestMetrics(registry));
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            c.router.ignoreTrailingSlashes = true; // analytics-java posts to /v1/import/
            c.routes.before("/v1/*", Cors::addHeaders); // the Tracking API only: nothing else is for browsers
            c.routes.options("/v1/*", Cors::preflight);
            for (EventType type : EventType.values()) {
                String full = "/v1/" + type.wireName();
                String initial = "/v1/" + type.wireName().charAt(0);
                c.routes.post(full, ctx -> tracking.post(ctx, Optional.of(type), full));
                c.routes.post(initial, ctx -> tracking.post(ctx, Optional.of(type), full));
            }
            for (String batch : List.of("/v1/batch", "/v1/import", "/v1/b")) {
                c.routes.post(batch, ctx -> tracking.post(ctx, Optional.empty(), batch));
            }
            c.routes.get("/v1/pixel/{type}", tracking::pixel);
            c.routes.post("/v1/m", tracking::telemetry);
            c.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
            c.routes.error(404, ctx -> JsonResponses.error(ctx, 404, "not_found",
                    "no such endpoint: " + ctx.method() + " " + ctx.path()));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("event=request_failed path={} error=\"{}\"", ctx.path(), e.toString(), e);
                JsonResponses.error(ctx, 500, "internal_error", "internal error");
            });
        });
    }

    /** Creates the topics it writes to (when Kafka answers in time) and starts listening. */
    public static IngestApi start(IngestConfig config) {
        try {
            config.kafka().topicCreator()
                    .ensure(List.of(config.kafka().topics().ingestRaw(), config.kafka().topics().rejected()), config.kafkaTimeout());
        } catch (IllegalStateException e) {
            // start anyway: requests get 503 until Kafka is back, and /readyz says why
            LOG.warn("event=topic_creation_failed error=\"{}\"", e.getMessage());
        }
        IngestApi api = new IngestApi(config);
        api.admin = AdminServer.start(config.adminBind(), config.adminPort(), () -> true, api.readiness::isReady,
                api.registry::scrape);
        api.app.start(config.port());
        LOG.info("event=ingest_api_started port={} admin={} kafka={} rawTopic={} projects={}", api.port(),
                api.admin.address(), config.kafka().bootstrapServers(), config.kafka().topics().ingestRaw(),
                config.writeKeys().values().stream().distinct().count());
        return api;
    }

    public int port() {
        return app.port();
    }

    /** The admin server's port: {@code /healthz}, {@code /readyz}, {@code /metrics}. */
    public int adminPort() {
        return admin.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        app.stop();
        admin.close();
        publisher.close();
        readiness.close();
        LOG.info("event=ingest_api_stopped");
    }
}
