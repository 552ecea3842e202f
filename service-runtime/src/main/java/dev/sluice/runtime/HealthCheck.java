package dev.sluice.runtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A container {@code HEALTHCHECK} without curl: {@code java -cp app.jar dev.sluice.runtime.HealthCheck
 * <port variable> <default port> <path>} exits 0 when the endpoint answers 200.
 */
public final class HealthCheck {

    private HealthCheck() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: HealthCheck <port env variable> <default port> <path>");
            System.exit(2);
        }
        String port = System.getenv().getOrDefault(args[0], args[1]);
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + args[2]))
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            System.exit(r.statusCode() == 200 ? 0 : 1);
        } catch (Exception e) {
            System.err.println("unhealthy: " + e);
            System.exit(1);
        }
    }
}
