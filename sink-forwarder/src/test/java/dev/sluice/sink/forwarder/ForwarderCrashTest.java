package dev.sluice.sink.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.Topics;
import dev.sluice.sink.SinkMain;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** sink-forwarder as its own JVM, SIGKILLed mid-stream and restarted: every event still arrives. */
class ForwarderCrashTest {

    @Test
    void killedWithSigkillAndRestartedLosesNothing() throws Exception {
        Topics topics = ForwarderTestEvents.newTopics();
        Map<String, String> projectById = ForwarderTestEvents.write(topics, 4000, i -> false, "project-a", "project-b");
        Path log = Files.createDirectories(Path.of("target")).resolve("forwarder-crash-child.log");
        try (SegmentStandIn segment = new SegmentStandIn("seg-a", "seg-b")) {
            segment.delayMillis = 300; // a handful of large requests: slow enough for the kill to land mid-stream
            // small batches so the run lasts long enough to be interrupted
            Map<String, String> env = ForwarderTestEvents.env(topics, segment.url(), Map.of("SLUICE_SINK_LINGER", "PT0.01S"));
            ChildJvm first = ChildJvm.start(SinkMain.class, env, log);
            await().atMost(90, TimeUnit.SECONDS).until(() -> !segment.received.isEmpty());
            first.kill();
            assertThat(new HashSet<>(segment.messageIds())).as("killed before the end").hasSizeLessThan(4000);

            try (ChildJvm second = ChildJvm.start(SinkMain.class, env, log)) {
                await().atMost(120, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("sluice-sink-forwarder", topics) == 4000);
            }
            assertThat(new HashSet<>(segment.messageIds())).isEqualTo(projectById.keySet());
        }
    }
}
