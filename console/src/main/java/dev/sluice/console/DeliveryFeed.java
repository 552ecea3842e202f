package dev.sluice.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.model.DeliveryLogEntry;
import io.javalin.http.sse.SseClient;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells open Event, Destinations, DLQ and Replay pages that the delivery log moved, as server-sent
 * events: at most every {@link #TICK_MS} ms one {@code deliveries} message naming the groups and (up to
 * {@link #MAX_IDS}) messageIds that changed, so a page re-reads what concerns it instead of polling.
 */
final class DeliveryFeed implements AutoCloseable {

    static final long TICK_MS = 500;
    static final int MAX_IDS = 500;

    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final Set<String> groups = new TreeSet<>();
    private final Set<String> ids = new LinkedHashSet<>();
    private boolean truncated;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-deliveries");
        t.setDaemon(true);
        return t;
    });

    DeliveryFeed() {
        sender.scheduleWithFixedDelay(this::flush, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        sender.scheduleWithFixedDelay(() -> clients.forEach(c -> send(c, "ping", null)), 15, 15, TimeUnit.SECONDS);
    }

    void open(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        sender.execute(() -> send(client, "ready", "{}"));
    }

    /** Called on the Kafka reader's thread for every entry read. */
    synchronized void publish(DeliveryLogEntry entry) {
        groups.add(entry.group());
        for (DeliveryLogEntry.Event e : entry.events()) {
            if (e.messageId() != null && !truncated) {
                ids.add(e.messageId());
                truncated = ids.size() >= MAX_IDS;
            }
        }
    }

    /** Also sent when nothing was logged: a replay's copying moved, a redrive happened. */
    synchronized void touch(String group) {
        groups.add(group);
    }

    private void flush() {
        String data;
        synchronized (this) {
            if (groups.isEmpty()) {
                return;
            }
            ObjectNode o = ConsoleJson.object();
            ArrayNode g = o.putArray("groups");
            groups.forEach(g::add);
            ArrayNode m = o.putArray("messageIds");
            ids.forEach(m::add);
            o.put("truncated", truncated); // then a page re-reads whatever it shows
            groups.clear();
            ids.clear();
            truncated = false;
            data = o.toString();
        }
        if (!clients.isEmpty()) {
            clients.forEach(c -> send(c, "deliveries", data));
        }
    }

    int clientCount() {
        return clients.size();
    }

    private void send(SseClient client, String event, String data) {
        try {
            if (client.terminated()) {
                clients.remove(client);
            } else if (data == null) {
                client.sendComment(event);
            } else {
                client.sendEvent(event, data);
            }
        } catch (RuntimeException e) { // the page went away
            clients.remove(client);
            client.close();
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        clients.forEach(SseClient::close);
        clients.clear();
    }
}
