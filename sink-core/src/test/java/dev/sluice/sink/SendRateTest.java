package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Additive increase, multiplicative decrease of the call rate. */
class SendRateTest {

    private static List<Delivery> answers(int delivered, int throttled, int failed) {
        List<Delivery> out = new ArrayList<>(Collections.nCopies(delivered, Delivery.delivered()));
        out.addAll(Collections.nCopies(throttled, Delivery.throttled("http_429", "slow down", null)));
        out.addAll(Collections.nCopies(failed, Delivery.transientFailure("http_503", "x")));
        return out;
    }

    @Test
    void unlimitedUntilThrottledThenHalvedPerThrottledCallAndRaisedOneCallASecondPerGoodOne() {
        SendRate rate = new SendRate(Duration.ofSeconds(5));
        rate.answered(0, answers(10, 0, 0));
        rate.answered(20, answers(10, 0, 0));
        assertThat(rate.callsPerSecond()).isInfinite();
        assertThat(rate.nextCallMillis()).isEqualTo(20);

        rate.answered(40, answers(0, 10, 0)); // calls were 20 ms apart: 50/s, halved to 25/s
        assertThat(rate.callsPerSecond()).isEqualTo(25.0);
        assertThat(rate.nextCallMillis()).isEqualTo(80);
        rate.answered(80, answers(0, 10, 0));
        assertThat(rate.callsPerSecond()).isEqualTo(12.5);

        rate.answered(120, answers(3, 0, 0)); // too small to count
        assertThat(rate.callsPerSecond()).isEqualTo(12.5);
        rate.answered(160, answers(10, 0, 0));
        assertThat(rate.callsPerSecond()).isCloseTo(13.5, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 1000; i++) {
            rate.answered(200 + i, answers(10, 0, 0));
        }
        assertThat(rate.callsPerSecond()).isInfinite();
    }

    @Test
    void partialFailuresDoNotSlowItDownButAMostlyThrottledOrWhollyFailedCallDoes() {
        SendRate rate = new SendRate(Duration.ofSeconds(5));
        rate.answered(0, answers(8, 2, 0));
        rate.answered(10, answers(8, 0, 2));
        assertThat(rate.callsPerSecond()).isInfinite();
        rate.answered(20, answers(0, 0, 10)); // the destination is down
        assertThat(rate.callsPerSecond()).isFinite();
        SendRate other = new SendRate(Duration.ofSeconds(5));
        other.answered(0, answers(4, 6, 0));
        assertThat(other.callsPerSecond()).isFinite();
        SendRate small = new SendRate(Duration.ofSeconds(5));
        small.answered(0, answers(0, 0, 1)); // a few records failing say little about the destination
        small.answered(10, answers(1, 2, 0));
        small.answered(20, answers(0, 0, 9));
        assertThat(small.callsPerSecond()).isInfinite();
    }

    @Test
    void aDestinationThatWasDownIsSentAtFullSpeedOnceItAnswersButAThrottlingOneIsNot() {
        SendRate down = new SendRate(Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            down.answered(i * 1000L, answers(0, 0, 10));
        }
        assertThat(down.callsPerSecond()).isEqualTo(0.2);
        down.answered(20_000, answers(10, 0, 0));
        assertThat(down.callsPerSecond()).isInfinite();

        SendRate throttling = new SendRate(Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            throttling.answered(i * 1000L, answers(0, 10, 0));
        }
        throttling.answered(20_000, answers(10, 0, 0));
        assertThat(throttling.callsPerSecond()).isEqualTo(1.2);
    }

    @Test
    void neverSlowerThanOneCallPerMaxGap() {
        SendRate rate = new SendRate(Duration.ofSeconds(5));
        for (int i = 0; i < 50; i++) {
            rate.answered(i * 10_000L, answers(0, 10, 0));
        }
        assertThat(rate.callsPerSecond()).isEqualTo(0.2);
    }
}
