package dev.sluice.sink.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One webhook endpoint of the config file.
 *
 * @param name the unit's name ([a-z0-9-]): its consumer group, retry topic and DLQ are named after it
 * @param maxEvents batch mode: events per request; single mode: requests in flight per delivery call
 * @param maxBytes batch mode: bytes of a request body (the JSON array) at most
 * @param timeout for one request (bounded further by the delivery deadline)
 * @param secret the HMAC-SHA256 key for {@code X-Sluice-Signature}, or null for unsigned requests
 * @param headers extra request headers (an {@code Authorization} the receiver wants, say)
 */
public record Endpoint(String name, URI url, EndpointFilter filter, Mode mode, int maxEvents, long maxBytes,
                       Duration timeout, String secret, Map<String, String> headers) {

    /** How events are put into requests. */
    public enum Mode {
        /** A JSON array of up to maxEvents events per request. */
        BATCH,
        /** One event (a JSON object) per request. */
        SINGLE
    }

    public Endpoint {
        headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
        // the secret stays out of logs and exception messages
        return "Endpoint[name=" + name + ", url=" + url + ", mode=" + mode + ", filter=" + filter.describe()
                + ", signed=" + (secret != null) + "]";
    }
}
