package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The retry decision alone: no broker, no clock but the instants given. */
class RetryRulesTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMillis(200),
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofHours(24));
    private final RetryRules rules = new RetryRules(policy, new SplittableRandom(7));

    private static PendingRecord record(boolean fromRetryTopic) {
        return new PendingRecord(new ConsumerRecord<>("t", 0, 5, "p", "v".getBytes(StandardCharsets.UTF_8)),
                fromRetryTopic, T0.toEpochMilli());
    }

    @Test
    void deliveredIsSettledAndPermanentGoesToTheDlq() {
        assertThat(rules.decide(record(false), Delivery.delivered(), T0).kind()).isEqualTo(RetryDecision.Kind.SETTLED);
        RetryDecision d = rules.decide(record(false), Delivery.permanentFailure("http_400", "bad"), T0);
        assertThat(d.kind()).isEqualTo(RetryDecision.Kind.DEAD_LETTER);
        assertThat(d.code()).isEqualTo("http_400");
    }

    @Test
    void aDiscardIsSettledWithItsCodeEvenForARecordThatFailedBefore() {
        PendingRecord p = record(true);
        p.failed(T0);
        RetryDecision d = rules.decide(p, Delivery.discarded("no_email", "identify without traits.email"),
                T0.plus(Duration.ofDays(2)));
        assertThat(d.kind()).isEqualTo(RetryDecision.Kind.DISCARD);
        assertThat(d.code()).isEqualTo("no_email");
        assertThat(d.reason()).isEqualTo("identify without traits.email");
    }

    @Test
    void aTransientFailureIsRetriedInPlaceSoonWithGrowingBackoffUntilTheParkTime() {
        PendingRecord p = record(false);
        Instant now = T0;
        Duration previousCap = Duration.ZERO;
        for (int i = 1; i <= 5; i++) {
            RetryDecision d = rules.decide(p, Delivery.transientFailure("http_503", "x"), now);
            assertThat(d.kind()).isEqualTo(RetryDecision.Kind.RETRY);
            Duration wait = Duration.between(now, d.at());
            Duration cap = Duration.ofMillis(Math.min(5000, 200L << (i - 1)));
            assertThat(wait).isBetween(cap.dividedBy(2), cap);
            assertThat(cap).isGreaterThanOrEqualTo(previousCap);
            previousCap = cap;
            p.failed(now);
            now = d.at();
        }
        // 59 s after the first failure: still in place; at 60 s: parked, due after the first park delay
        assertThat(rules.decide(p, Delivery.transientFailure("http_503", "x"), T0.plusSeconds(59)).kind())
                .isEqualTo(RetryDecision.Kind.RETRY);
        RetryDecision parked = rules.decide(p, Delivery.transientFailure("http_503", "x"), T0.plusSeconds(60));
        assertThat(parked.kind()).isEqualTo(RetryDecision.Kind.PARK);
        assertThat(parked.at()).isEqualTo(T0.plusSeconds(90));
    }

    @Test
    void aRecordFromTheRetryTopicGetsAFreshInPlaceRoundButKeepsItsAge() {
        PendingRecord p = record(true);
        p.parkings = 2;
        p.attempts = 40;
        p.firstFailure = T0.minus(Duration.ofMinutes(10));
        RetryDecision d = rules.decide(p, Delivery.transientFailure("http_503", "x"), T0);
        assertThat(d.kind()).isEqualTo(RetryDecision.Kind.RETRY);
        assertThat(Duration.between(T0, d.at())).isLessThanOrEqualTo(Duration.ofMillis(200));
        p.failed(T0);
        RetryDecision again = rules.decide(p, Delivery.transientFailure("http_503", "x"), T0.plusSeconds(61));
        assertThat(again.kind()).isEqualTo(RetryDecision.Kind.PARK);
        assertThat(again.at()).isEqualTo(T0.plusSeconds(61).plusSeconds(120)); // third parking: 30 s << 2
        p.firstFailure = T0.minus(Duration.ofHours(24));
        assertThat(rules.decide(p, Delivery.transientFailure("http_503", "x"), T0).kind())
                .isEqualTo(RetryDecision.Kind.DEAD_LETTER);
    }

    @Test
    void aDestinationsRetryAfterWinsWhenLonger() {
        RetryDecision d = rules.decide(record(false), Delivery.throttled("http_429", "slow down", Duration.ofSeconds(7)),
                T0);
        assertThat(d.kind()).isEqualTo(RetryDecision.Kind.RETRY);
        assertThat(d.at()).isEqualTo(T0.plusSeconds(7));
    }

    @Test
    void decidingDoesNotChangeTheRecord() {
        PendingRecord p = record(false);
        rules.decide(p, Delivery.transientFailure("http_503", "x"), T0);
        assertThat(p.attempts).isZero();
        assertThat(p.firstFailure).isNull();
        assertThat(p.roundStart).isNull();
    }
}
