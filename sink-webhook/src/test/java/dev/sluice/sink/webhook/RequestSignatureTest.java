package dev.sluice.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The sink's signature against the receiver's own verification (WebhookReceiver.verify, the README's recipe). */
class RequestSignatureTest {

    private static final byte[] BODY = "[{\"messageId\":\"m-1\"}]".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignedBodyVerifiesAndATamperedOneDoesNot() throws Exception {
        String header = new RequestSignature("s3cret").header(BODY, 1_800_000_000L);
        assertThat(header).matches("t=1800000000,v1=[0-9a-f]{64}");
        assertThat(WebhookReceiver.verify("s3cret", header, BODY, 1_800_000_010L)).isTrue();
        assertThat(WebhookReceiver.verify("other", header, BODY, 1_800_000_010L)).isFalse();
        byte[] tampered = "[{\"messageId\":\"m-2\"}]".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookReceiver.verify("s3cret", header, tampered, 1_800_000_010L)).isFalse();
        // a moved timestamp breaks the signature: t is inside the signed bytes
        assertThat(WebhookReceiver.verify("s3cret", header.replace("t=1800000000", "t=1800000005"), BODY,
                1_800_000_010L)).isFalse();
    }

    @Test
    void anOldRequestIsRefusedEvenWithAGoodSignature() throws Exception {
        String header = new RequestSignature("s3cret").header(BODY, 1_800_000_000L);
        assertThat(WebhookReceiver.verify("s3cret", header, BODY, 1_800_000_000L + 301)).isFalse();
        assertThat(WebhookReceiver.verify("s3cret", header, BODY, 1_800_000_000L + 300)).isTrue();
    }

    @Test
    void aKnownVectorMatchesAnIndependentHmac() {
        // openssl: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
        assertThat(new RequestSignature("key").header("{}".getBytes(StandardCharsets.UTF_8), 1_700_000_000L))
                .isEqualTo("t=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
    }
}
