package dev.sluice.console;

import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes new events to every open Live page as server-sent events, each page getting those its filter
 * matches. Sends from one thread of its own, so the Kafka reader never waits for a slow browser; when
 * more than {@link #MAX_PENDING} events wait, newer ones are dropped from the feed (they stay in the
 * index, and the page's list refresh shows them).
 */
final class LiveFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    static final int MAX_PENDING = 10_000;

    private final Map<SseClient, EventFilter> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-live");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    LiveFeed() {
        // a comment now and then finds closed pages (the write fails) and keeps proxies from timing out
        sender.scheduleWithFixedDelay(() -> clients.keySet().forEach(c -> send(c, () -> c.sendComment("ping"))),
                15, 15, TimeUnit.SECONDS);
    }

    /** Holds the request open and sends it every matching event from now on. */
    void open(SseClient client, EventFilter filter) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.put(client, filter);
        sender.execute(() -> send(client, () -> client.sendEvent("ready", "{}")));
    }

    /** Called on the Kafka reader's thread for every new event. */
    void publish(IndexedEvent event) {
        if (clients.isEmpty()) {
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.warn("event=console_live_behind dropped={}", dropped.get());
            }
            return;
        }
        sender.execute(() -> {
            pending.decrementAndGet();
            String json = null;
            for (Map.Entry<SseClient, EventFilter> c : clients.entrySet()) {
                if (c.getValue().test(event)) {
                    if (json == null) {
                        json = ConsoleJson.summary(event).toString();
                    }
                    String data = json;
                    send(c.getKey(), () -> c.getKey().sendEvent("event", data));
                }
            }
        });
    }

    int clientCount() {
        return clients.size();
    }

    private void send(SseClient client, Runnable write) {
        try {
            if (client.terminated()) {
                clients.remove(client);
                return;
            }
            write.run();
        } catch (RuntimeException e) { // the page went away
            clients.remove(client);
            client.close();
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        clients.keySet().forEach(SseClient::close);
        clients.clear();
    }
}
