package dev.sluice.sink.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Sluice-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}: the timestamp inside the
 * signed bytes lets a receiver refuse old requests replayed by someone who captured one.
 */
public final class RequestSignature {

    public static final String HEADER = "X-Sluice-Signature";

    private final SecretKeySpec key;

    public RequestSignature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The header value for {@code body} sent at {@code epochSeconds}. */
    public String header(byte[] body, long epochSeconds) {
        Mac mac;
        try {
            // a Mac is not thread-safe and single-mode requests are signed concurrently: one per request
            mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
        return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    }
}
