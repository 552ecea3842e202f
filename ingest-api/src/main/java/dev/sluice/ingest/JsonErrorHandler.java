package dev.sluice.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a URI or headers too long, a request it cannot parse) answered like every
 * other refusal of the API: {@code {"success":false,"code":"http_<status>",…}} instead of an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(JSON);
        response.write(true, ByteBuffer.wrap(JsonResponses.errorBody("http_" + code, reason(code, message))), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return ByteBuffer.wrap(JsonResponses.errorBody("http_" + status, reason(status, reason)));
    }

    private static String reason(int status, String message) {
        return message == null || message.isBlank() ? "HTTP " + status : message;
    }
}
