package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commit rule against the stream thread's clock, set by hand: no broker, no waiting. */
class CaughtUpCommitterTest {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration CAUGHT_UP_LAG = Duration.ofSeconds(1);
    private static final long T0 = 1_800_000_000_000L;

    private CaughtUpCommitter.ThreadPace pace;
    private MockProcessorContext<String, byte[]> context;
    private CaughtUpCommitter committer;

    @BeforeEach
    void start() {
        pace = new CaughtUpCommitter.ThreadPace();
        context = task();
        committer = new CaughtUpCommitter(pace, INTERVAL, CAUGHT_UP_LAG);
        committer.init(context);
    }

    private static MockProcessorContext<String, byte[]> task() {
        MockProcessorContext<String, byte[]> c = new MockProcessorContext<>();
        c.setCurrentSystemTimeMs(T0);
        return c;
    }

    /** Processes a raw record stamped {@code ageMs} before the clock; true if it asked for a commit. */
    private static boolean process(CaughtUpCommitter committer, MockProcessorContext<String, byte[]> context, long ageMs) {
        context.resetCommit();
        committer.process(new Record<>("p", new byte[] {1}, context.currentSystemTimeMs() - ageMs));
        return context.committed();
    }

    private boolean process(long ageMs) {
        return process(committer, context, ageMs);
    }

    /** Moves the clock on and runs the wall-clock punctuation; true if it asked for a commit. */
    private static boolean tick(MockProcessorContext<String, byte[]> context, long plusMs) {
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + plusMs);
        context.resetCommit();
        MockProcessorContext.CapturedPunctuator p = context.scheduledPunctuators().get(0);
        assertThat(p.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        p.getPunctuator().punctuate(context.currentSystemTimeMs());
        return context.committed();
    }

    private boolean tick(long plusMs) {
        return tick(context, plusMs);
    }

    @Test
    void passesEveryRecordOnUnchanged() {
        Record<String, byte[]> raw = new Record<>("p", new byte[] {7}, T0 - 5_000);
        committer.process(raw);
        assertThat(context.forwarded()).hasSize(1);
        assertThat(context.forwarded().get(0).record()).isSameAs(raw);
        assertThat(context.scheduledPunctuators().get(0).getInterval()).isEqualTo(Duration.ofMillis(25));
    }

    @Test
    void whileCaughtUpItAsksForACommitAtMostOncePerInterval() {
        assertThat(process(20)).as("a recent record after a quiet spell commits at once").isTrue();
        context.setCurrentSystemTimeMs(T0 + 30);
        assertThat(process(5)).as("30 ms after the last request").isFalse();
        assertThat(tick(30)).as("60 ms after").isFalse();
        assertThat(tick(25)).as("85 ms after").isFalse();
        assertThat(tick(25)).as("110 ms after: the pending record's commit").isTrue();
        assertThat(tick(25)).as("nothing new since").isFalse();
        context.setCurrentSystemTimeMs(T0 + 300);
        assertThat(process(0)).isTrue();
    }

    @Test
    void behindItLeavesCommitsToTheLongBacklogInterval() {
        for (int i = 0; i < 100; i++) {
            assertThat(process(60_000)).as("a minute-old record, %d", i).isFalse();
            assertThat(tick(25)).as("records keep coming: still behind").isFalse();
            context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + 100);
        }
        assertThat(process(1_001)).as("just over the caught-up lag").isFalse();
        assertThat(process(999)).as("within it").isTrue();
    }

    @Test
    void theTailOfABacklogOfOldRecordsIsCommittedOnceRecordsStopComing() {
        process(60_000);
        assertThat(tick(25)).as("a record arrived in this tick").isFalse();
        assertThat(tick(25)).as("no record for a whole tick, one uncommitted").isTrue();
        assertThat(tick(25)).as("committed already").isFalse();
        assertThat(tick(500)).isFalse();
    }

    @Test
    void tasksOfOneStreamThreadShareThePace() {
        // EOS v2 commits all of a thread's tasks together, so a second task's request would only add a commit
        MockProcessorContext<String, byte[]> otherContext = task();
        CaughtUpCommitter other = new CaughtUpCommitter(pace, INTERVAL, CAUGHT_UP_LAG);
        other.init(otherContext);
        assertThat(process(0)).isTrue();
        otherContext.setCurrentSystemTimeMs(T0 + 10);
        assertThat(process(other, otherContext, 0)).as("the thread committed 10 ms ago").isFalse();
        assertThat(tick(otherContext, 90)).as("100 ms after the thread's request").isTrue();
    }

    @Test
    void aStreamThreadIsNotPacedByAnother() throws Exception {
        assertThat(process(0)).isTrue();
        boolean[] onOtherThread = new boolean[1];
        Thread t = new Thread(() -> {
            MockProcessorContext<String, byte[]> otherContext = task();
            CaughtUpCommitter other = new CaughtUpCommitter(pace, INTERVAL, CAUGHT_UP_LAG);
            other.init(otherContext);
            onOtherThread[0] = process(other, otherContext, 0);
        });
        t.start();
        t.join();
        assertThat(onOtherThread[0]).isTrue();
    }
}
