package dev.sluice.console;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use the console and how. With a token ({@code SLUICE_CONSOLE_TOKEN}, required off loopback),
 * every request but the login page carries it as {@code Authorization: Bearer} or holds a session cookie
 * from the login form. Without one (loopback only), requests must name a loopback host, so a web page
 * cannot reach the console through DNS rebinding. Every state-changing request must come from the
 * console's own pages: a browser's cross-site POST is refused.
 */
final class AccessGuard {

    static final String COOKIE = "sluice_console_session";
    /** Reachable without logging in: the login page itself, its stylesheet, the health check. */
    private static final Set<String> PUBLIC_PATHS = Set.of("/login", "/app.css", "/healthz");
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final byte[] token;
    private final Sessions sessions;

    /** @param token null when the console listens on loopback only and needs none */
    AccessGuard(String token, Sessions sessions) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.sessions = sessions;
    }

    boolean tokenRequired() {
        return token != null;
    }

    /** What to do with a request before any handler: null lets it through, else the refusal. */
    Refusal check(Context ctx) {
        if (token == null && !loopbackHost(ctx.header("Host"))) {
            return new Refusal(421, "wrong_host", "this console answers only to localhost");
        }
        if (!ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD") && !sameOrigin(ctx)) {
            return new Refusal(403, "cross_site_request", "state-changing requests must come from the console's "
                    + "own pages");
        }
        if (token == null || PUBLIC_PATHS.contains(ctx.path()) || authenticated(ctx)) {
            return null;
        }
        return new Refusal(401, "unauthorized", "log in at /login or send Authorization: Bearer <token>");
    }

    boolean authenticated(Context ctx) {
        if (token == null) {
            return true;
        }
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokenMatches(auth.substring(7).trim());
        }
        return sessions.valid(ctx.cookie(COOKIE));
    }

    /** How a request proved itself, for the log of who redrove or replayed what: token, session or loopback. */
    static String who(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "token";
        }
        return ctx.cookie(COOKIE) != null ? "session" : "loopback";
    }

    /** Compares in constant time, so response timing tells nothing about how much of a guess was right. */
    boolean tokenMatches(String candidate) {
        return token != null && candidate != null
                && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A browser says where a request comes from ({@code Sec-Fetch-Site}; older ones only {@code Origin});
     * a non-browser client (curl, a script) sends neither and cannot be forged by a web page.
     */
    static boolean sameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            return site.equals("same-origin") || site.equals("none");
        }
        String origin = ctx.header("Origin");
        if (origin != null) {
            String host = ctx.header("Host");
            return host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
        }
        return true;
    }

    static boolean loopbackHost(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        return LOOPBACK_HOSTS.contains(host);
    }

    /** A refused request: HTTP status, machine-readable code, a sentence. */
    record Refusal(int status, String code, String message) {
    }
}
