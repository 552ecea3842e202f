package dev.sluice.sink;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain HTTP clients sending to a stand-in back to back, no sink involved: the stand-in's own capacity, the
 * reference a sink benchmark compares its rate against in the same run.
 */
public final class BackToBackClients {

    /** Request {@code i} of client {@code client}. */
    @FunctionalInterface
    public interface Requests {
        HttpRequest request(int client, int i);
    }

    private BackToBackClients() {
    }

    /**
     * {@code clients} threads each sending its requests one after the other for {@code seconds}; returns the
     * events a second the stand-in accepted ({@code eventsPerRequest} for each 200), over the time until the
     * last answer.
     */
    public static double eventsPerSecond(HttpClient http, int clients, int seconds, int eventsPerRequest,
                                         Requests requests) throws InterruptedException {
        AtomicLong accepted = new AtomicLong();
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int client = t;
            Thread th = new Thread(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    try {
                        if (http.send(requests.request(client, i), HttpResponse.BodyHandlers.discarding())
                                .statusCode() == 200) {
                            accepted.addAndGet(eventsPerRequest);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        return accepted.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /** The same request from every client, every time. */
    public static double eventsPerSecond(HttpClient http, int clients, int seconds, int eventsPerRequest,
                                         HttpRequest request) throws InterruptedException {
        return eventsPerSecond(http, clients, seconds, eventsPerRequest, (client, i) -> request);
    }
}
