package dev.sluice.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console service: reads Kafka into a bounded in-memory index ({@link TopicTail}) and serves the
 * pages and their API on one port, behind {@link AccessGuard}.
 */
public final class Console implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final int DEFAULT_LIMIT = 200;
    private static final int MAX_LIMIT = 2000;
    /** The pages load nothing from elsewhere, run no inline script, and are never framed. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private final ConsoleConfig config;
    private final RecentEvents events;
    private final TopicTail tail;
    private final Thread tailThread;
    private final LiveFeed live = new LiveFeed();
    private final Deliveries deliveries;
    private final DeliveryFeed deliveryFeed = new DeliveryFeed();
    private final ConsoleMetrics metrics = new ConsoleMetrics();
    private final ClusterClients clients;
    private final Replays replays;
    private final SinkGroupsApi groupsApi;
    private final AutoCloseable deliverySubscription;
    private final AccessGuard guard;
    private final Sessions sessions;
    private final Map<String, Asset> assets;
    private final Javalin app;
    private final AutoCloseable subscription;

    private Console(ConsoleConfig config, Consumer<byte[], byte[]> consumer, ClusterClients clients, Clock clock) {
        this.config = config;
        this.events = new RecentEvents(config.indexSize());
        this.deliveries = new Deliveries(config.indexSize(), clock);
        this.tail = new TopicTail(consumer, config.kafka().topics(), events, deliveries, config.historyPerPartition(),
                clock);
        this.clients = clients;
        this.replays = new Replays(clients, config.kafka().topics(), deliveries, metrics, clock);
        this.groupsApi = new SinkGroupsApi(config.kafka().topics(), deliveries, new ConsumerLag(clients, clock),
                new DeadLetters(clients, clock), replays, metrics, deliveryFeed, clock);
        this.deliverySubscription = deliveries.subscribe(deliveryFeed::publish);
        metrics.sseClients("live", live::clientCount);
        metrics.sseClients("deliveries", deliveryFeed::clientCount);
        metrics.indexSize("routed", () -> events.sizes()[0]);
        metrics.indexSize("rejected", () -> events.sizes()[1]);
        metrics.indexSize("received", () -> events.sizes()[2]);
        metrics.indexSize("delivery_message_ids", deliveries::size);
        this.tailThread = new Thread(tail, "console-kafka");
        this.tailThread.setDaemon(true);
        this.sessions = new Sessions(clock);
        this.guard = new AccessGuard(config.token(), sessions);
        this.subscription = events.subscribe(live::publish);
        this.assets = Map.of("/", Asset.load("index.html", "text/html; charset=utf-8"),
                "/login", Asset.load("login.html", "text/html; charset=utf-8"),
                "/app.js", Asset.load("app.js", "text/javascript; charset=utf-8"),
                "/app.css", Asset.load("app.css", "text/css; charset=utf-8"));
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.routes.before(this::guard);
            c.routes.get("/", ctx -> asset(ctx, "/"));
            c.routes.get("/app.js", ctx -> asset(ctx, "/app.js"));
            c.routes.get("/app.css", ctx -> asset(ctx, "/app.css"));
            c.routes.get("/login", this::loginPage);
            c.routes.post("/login", this::login);
            c.routes.post("/logout", this::logout);
            c.routes.get("/healthz", ctx -> ctx.status(tailThread.isAlive() ? 200 : 503)
                    .contentType("application/json")
                    .result(tailThread.isAlive() ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}"));
            c.routes.get("/api/info", this::info);
            c.routes.get("/api/events", ctx -> json(ctx, ConsoleJson.list(events.newest(filter(ctx), limit(ctx)))));
            c.routes.get("/api/event", this::event);
            c.routes.get("/api/messages/{messageId}", ctx -> json(ctx,
                    ConsoleJson.path(events.path(ctx.pathParam("messageId")), deliveries.of(ctx.pathParam("messageId")))));
            c.routes.get("/api/destinations", groupsApi::destinations);
            c.routes.get("/api/dlq/{group}", groupsApi::dlq);
            c.routes.post("/api/dlq/{group}/redrive", groupsApi::redrive);
            c.routes.get("/api/replay/{group}", groupsApi::replay);
            c.routes.post("/api/replay/{group}", groupsApi::startReplay);
            c.routes.post("/api/replay/{group}/cancel", groupsApi::cancelReplay);
            c.routes.sse("/api/deliveries/live", deliveryFeed::open);
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            c.routes.get("/api/rejected", ctx -> {
                String reason = blankToNull(ctx.queryParam("reason"));
                json(ctx, ConsoleJson.rejected(events.rejectedReasons(), events.rejected(reason, limit(ctx))));
            });
            c.routes.sse("/api/live", client -> live.open(client, filter(client.ctx())));
            c.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    json(ctx.status(404), ConsoleJson.error("not_found", "no such page: " + ctx.path()));
                }
            });
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("event=console_request_failed path={} error=\"{}\"", ctx.path(), e.toString(), e);
                json(ctx.status(500), ConsoleJson.error("internal_error", "internal error"));
            });
        });
    }

    /** Starts reading Kafka and listening on {@code bind:port}. */
    public static Console start(ConsoleConfig config) {
        return start(config, TopicTail.consumer(config.kafka().bootstrapServers()),
                new ClusterClients(config.kafka().bootstrapServers()), Clock.systemUTC());
    }

    static Console start(ConsoleConfig config, Consumer<byte[], byte[]> consumer, ClusterClients clients, Clock clock) {
        Console console = new Console(config, consumer, clients, clock);
        console.tailThread.start();
        try {
            console.app.start(config.bind(), config.port());
        } catch (RuntimeException e) {
            console.close();
            throw e;
        }
        LOG.info("event=console_started bind={} port={} kafka={} prefix={} token={} history={} indexSize={}",
                config.bind(), console.port(), config.kafka().bootstrapServers(), config.kafka().topics().prefix(),
                config.token() == null ? "none" : "required", config.historyPerPartition(), config.indexSize());
        return console;
    }

    public int port() {
        return app.port();
    }

    /** Whether the Kafka reader has read up to the end of every partition it knows (at least once). */
    boolean caughtUp() {
        return tail.caughtUp();
    }

    private void guard(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Cache-Control", "no-store");
        AccessGuard.Refusal refusal = guard.check(ctx);
        if (refusal == null) {
            return;
        }
        ctx.skipRemainingHandlers();
        if (refusal.status() == 401 && ctx.method().name().equals("GET") && !ctx.path().startsWith("/api/")
                && !ctx.path().equals("/metrics")) { // a scraper gets a 401, not the login page
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        json(ctx.status(refusal.status()), ConsoleJson.error(refusal.code(), refusal.message()));
    }

    private void loginPage(Context ctx) {
        if (!guard.tokenRequired()) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        asset(ctx, "/login");
    }

    private void login(Context ctx) {
        if (!guard.tokenRequired()) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        if (!guard.tokenMatches(ctx.formParam("token"))) {
            LOG.warn("event=console_login_failed address={}", ctx.ip());
            String page = new String(assets.get("/login").bytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("<!--message-->", "<p class=\"error\" id=\"login-error\">That is not the token.</p>");
            ctx.status(401).contentType("text/html; charset=utf-8").result(page);
            return;
        }
        ctx.header("Set-Cookie", AccessGuard.COOKIE + "=" + sessions.create() + "; Path=/; HttpOnly; SameSite=Strict; "
                + "Max-Age=" + Sessions.LIFETIME.toSeconds() + (ctx.scheme().equals("https") ? "; Secure" : ""));
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        sessions.end(ctx.cookie(AccessGuard.COOKIE));
        ctx.header("Set-Cookie", AccessGuard.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        ctx.redirect(guard.tokenRequired() ? "/login" : "/", HttpStatus.SEE_OTHER);
    }

    private void info(Context ctx) {
        var o = ConsoleJson.object();
        o.put("tokenRequired", guard.tokenRequired());
        o.put("topicPrefix", config.kafka().topics().prefix());
        o.put("indexSize", config.indexSize());
        o.put("historyPerPartition", config.historyPerPartition());
        o.put("caughtUp", tail.caughtUp());
        json(ctx, o);
    }

    private void event(Context ctx) {
        String id = ctx.queryParam("id");
        IndexedEvent e = id == null ? null : events.byId(id);
        if (e == null) {
            json(ctx.status(404), ConsoleJson.error("not_found", "no event " + id + " in the console's recent index"));
            return;
        }
        json(ctx, ConsoleJson.detail(e, e.messageId() == null ? java.util.List.of()
                : events.path(e.messageId()).received()));
    }

    private static EventFilter filter(Context ctx) {
        return new EventFilter(ctx.queryParam("project"), ctx.queryParam("type"), ctx.queryParam("event"),
                ctx.queryParam("userId"));
    }

    private static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            return Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            return DEFAULT_LIMIT;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private void asset(Context ctx, String path) {
        Asset a = assets.get(path);
        ctx.contentType(a.contentType()).result(a.bytes());
    }

    private static void json(Context ctx, com.fasterxml.jackson.databind.JsonNode body) {
        ctx.contentType("application/json").result(body.toString());
    }

    @Override
    public void close() {
        try {
            subscription.close();
            deliverySubscription.close();
        } catch (Exception e) {
            LOG.warn("event=console_stop_failed error=\"{}\"", e.toString());
        }
        live.close();
        deliveryFeed.close();
        replays.close();
        app.stop();
        tail.stop();
        try {
            tailThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.close();
        LOG.info("event=console_stopped");
    }

    /** A page or script served from the jar. */
    private record Asset(byte[] bytes, String contentType) {
        static Asset load(String name, String contentType) {
            try (InputStream in = Console.class.getResourceAsStream("/console-web/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource console-web/" + name);
                }
                return new Asset(in.readAllBytes(), contentType);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
