package dev.sluice.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} of every service, on the JDK's built-in server
 * so they need no web framework. It listens on loopback unless told otherwise ({@code SLUICE_ADMIN_BIND}):
 * metrics name every project and readiness tells whether Kafka is up, nothing a stranger should read.
 */
public final class AdminServer implements AutoCloseable {

    private final HttpServer server;

    private AdminServer(HttpServer server) {
        this.server = server;
    }

    /** The address admin servers listen on unless configured: this host only. */
    public static final String DEFAULT_BIND = "127.0.0.1";

    /** Listens on {@link #DEFAULT_BIND}. */
    public static AdminServer start(int port, BooleanSupplier alive, BooleanSupplier ready, Supplier<String> metrics) {
        return start(DEFAULT_BIND, port, alive, ready, metrics);
    }

    /**
     * @param bind the address to listen on ({@code 0.0.0.0} for every interface, e.g. in a container
     *             that Prometheus scrapes over the network)
     * @param port 0 picks a free port
     * @param alive answers {@code /healthz}: false means the process should be restarted
     * @param ready answers {@code /readyz}: false means it is not doing its work right now
     * @param metrics the Prometheus text exposition
     */
    public static AdminServer start(String bind, int port, BooleanSupplier alive, BooleanSupplier ready,
                                    Supplier<String> metrics) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 0);
            server.createContext("/healthz", ex -> status(ex, alive.getAsBoolean(), "UP", "DOWN"));
            server.createContext("/readyz", ex -> status(ex, ready.getAsBoolean(), "READY", "NOT_READY"));
            server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.get()));
            server.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "admin-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return new AdminServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open admin port " + bind + ":" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void status(HttpExchange ex, boolean ok, String good, String bad) throws IOException {
        respond(ex, ok ? 200 : 503, "application/json", "{\"status\":\"" + (ok ? good : bad) + "\"}");
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
