package dev.sluice.ingest;

import static dev.sluice.ingest.IngestFixture.KEY_A;
import static dev.sluice.ingest.IngestFixture.KEY_B;
import static dev.sluice.ingest.IngestFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void overTheProjectLimitIs429WithRetryAfterAndOtherProjectsAreUnaffected() throws Exception {
        try (IngestFixture f = new IngestFixture(Map.of("SLUICE_RATE_LIMIT_PER_PROJECT", "0.01"))) {
            String body = "{\"userId\":\"u\",\"event\":\"E\"}";
            assertThat(f.post("/v1/track", body, "Authorization", basic(KEY_A)).statusCode()).isEqualTo(200);
            HttpResponse<String> limited = f.post("/v1/track", body, "Authorization", basic(KEY_A));
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(
                    s -> assertThat(s).isPositive());
            assertThat(f.post("/v1/track", body, "Authorization", basic(KEY_B)).statusCode()).isEqualTo(200);
            assertThat(f.rawCount()).isEqualTo(2);
        }
    }

    @Test
    void bucketRefillsOverTime() {
        RateLimiter limiter = new RateLimiter(2);
        long t = 0;
        assertThat(limiter.acquire("p", t)).isZero();
        assertThat(limiter.acquire("p", t)).isZero();
        assertThat(limiter.acquire("p", t)).isEqualTo(1);
        assertThat(limiter.acquire("p", t + 500_000_000L)).isZero();
        assertThat(new RateLimiter(0).acquire("p", t)).isZero();
    }

    @Test
    void refilledBucketsAreSweptOnceManyKeysAreTracked() {
        RateLimiter limiter = new RateLimiter(1);
        long t = 0;
        for (int i = 0; i <= RateLimiter.SWEEP_ABOVE; i++) {
            limiter.acquire("address-" + i, t);
        }
        assertThat(limiter.trackedKeys()).isEqualTo(RateLimiter.SWEEP_ABOVE + 1);
        // a second later every bucket has refilled: the next new key sweeps them out
        limiter.acquire("late", t + 1_000_000_000L);
        assertThat(limiter.trackedKeys()).isEqualTo(1);
        assertThat(limiter.waitFor("address-0", t + 1_000_000_000L)).isZero();
    }
}
