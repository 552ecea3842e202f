package dev.sluice.testsupport;

import dev.sluice.model.Topics;
import java.util.concurrent.atomic.AtomicInteger;

/** Topic names no other test on the shared broker uses: a prefix of a letter, the JVM's pid and a counter. */
public final class UniqueTopics {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private UniqueTopics() {
    }

    /** @param letter tells the module apart in the broker's topic list ({@code "r"} for router tests, …) */
    public static Topics next(String letter) {
        return new Topics(letter + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + ".");
    }
}
