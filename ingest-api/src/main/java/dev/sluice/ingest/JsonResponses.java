package dev.sluice.ingest;

import dev.sluice.model.SegmentJson;
import io.javalin.http.Context;

/** The response bodies SDKs understand: {@code {"success":true}} always on 200, a JSON error otherwise. */
final class JsonResponses {

    static final byte[] SUCCESS = "{\"success\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private JsonResponses() {
    }

    static void success(Context ctx) {
        ctx.status(200).contentType("application/json").result(SUCCESS);
    }

    /** {@code code} for machines, {@code error} and {@code message} for the clients that read either. */
    static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).contentType("application/json").result(errorBody(code, message));
    }

    static byte[] errorBody(String code, String message) {
        var body = SegmentJson.newObject();
        body.put("success", false);
        body.put("code", code);
        body.put("error", message);
        body.put("message", message);
        return SegmentJson.toBytes(body);
    }
}
