package dev.sluice.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A destination's HTTP API on loopback, for tests: the server on a free port and the faults every stand-in
 * injects the same way (slowness, a run of failing calls, an outage); a subclass speaks the destination's
 * protocol and shapes its errors.
 */
public abstract class HttpStandIn implements AutoCloseable {

    static {
        // the JDK server writes headers and body separately; without TCP_NODELAY each response waits
        // ~40 ms for the client's delayed ACK, and the stand-in, not the sink, would be measured
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** Calls received, whatever became of them. */
    public final AtomicInteger calls = new AtomicInteger();
    /** Every call waits this long before it is answered. */
    public volatile long delayMillis;
    /** The next this many calls fail with {@link #failStatus}. */
    public volatile int failNextCalls;
    public volatile int failStatus = 503;
    /** While set, every call fails with 503: the destination is down. */
    public volatile boolean down;

    private final String path;
    private final ExecutorService executor;
    private final int port;
    /** Null while connections are refused. */
    private HttpServer server;

    /** Serves {@code path} (and below) with {@code threads} handler threads. */
    protected HttpStandIn(String path, int threads) throws IOException {
        this.path = path;
        executor = Executors.newFixedThreadPool(threads);
        server = bind(0);
        port = server.getAddress().getPort();
    }

    private HttpServer bind(int onPort) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
        s.createContext(path, this::exchange);
        s.setExecutor(executor);
        s.start();
        return s;
    }

    public int port() {
        return port;
    }

    /**
     * While set, nothing listens: connections are refused, as when the destination's host is down (not
     * its service, see {@link #down}). Clearing it listens again on the same port.
     */
    public synchronized void refuseConnections(boolean refuse) throws IOException {
        if (refuse && server != null) {
            server.stop(0);
            server = null;
        } else if (!refuse && server == null) {
            server = bind(port);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Serves one call; a subclass may wrap it, e.g. to count calls in flight from their arrival. */
    protected void exchange(HttpExchange ex) throws IOException {
        dispatch(ex);
    }

    private void dispatch(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        calls.incrementAndGet();
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (down) {
            fail(ex, 503);
            return;
        }
        if (failNextCalls > 0) {
            failNextCalls--;
            fail(ex, failStatus);
            return;
        }
        handle(ex, body);
    }

    /** Answers a call that got past the injected faults, as the destination would. */
    protected abstract void handle(HttpExchange ex, byte[] body) throws IOException;

    /** Answers an injected failure with the destination's error shape. */
    protected abstract void fail(HttpExchange ex, int status) throws IOException;

    protected static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
    }
}
