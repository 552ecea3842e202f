package dev.sluice.ingest;

import io.javalin.http.Context;

/**
 * CORS for browser SDKs: analytics.js posts {@code text/plain} (no preflight) but newer versions add
 * Authorization and X-Retry-Count headers, which make browsers send an OPTIONS preflight first.
 */
final class Cors {

    private static final String DEFAULT_HEADERS =
            "Content-Type, Authorization, X-Retry-Count, Content-Encoding, User-Agent";

    private Cors() {
    }

    /** Added to every response. */
    static void addHeaders(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.isEmpty()) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Credentials", "true");
            ctx.header("Vary", "Origin");
        } else {
            ctx.header("Access-Control-Allow-Origin", "*");
        }
    }

    /** Answers a preflight. */
    static void preflight(Context ctx) {
        String requested = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers",
                requested == null || requested.isBlank() ? DEFAULT_HEADERS : requested);
        ctx.header("Access-Control-Max-Age", "86400");
        ctx.status(204);
    }
}
