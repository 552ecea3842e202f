package dev.sluice.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.Topics;
import dev.sluice.sink.SinkMain;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** sink-firehose as its own JVM, SIGKILLed mid-stream and restarted: every event still arrives. */
class FirehoseCrashTest {

    @Test
    void killedWithSigkillAndRestartedLosesNothing() throws Exception {
        Topics topics = TypedEvents.newTopics();
        Map<String, String> projectById = TypedEvents.write(topics, 5000, "project-a", "project-b");
        Path log = Files.createDirectories(Path.of("target")).resolve("firehose-crash-child.log");
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default")) {
            firehose.delayMillis = 200; // ~10 calls of 500: the run lasts seconds, so the kill lands mid-stream
            Map<String, String> env = FirehoseSinkTest.env(topics, firehose, Map.of("SLUICE_SINK_LINGER", "PT0.02S"));
            ChildJvm first = ChildJvm.start(SinkMain.class, env, log);
            await().atMost(90, TimeUnit.SECONDS).until(() -> firehose.accepted.size() >= 1000);
            first.kill();
            int atKill = firehose.accepted.size();
            assertThat(atKill).as("killed before the end").isLessThan(5000);

            try (ChildJvm second = ChildJvm.start(SinkMain.class, env, log)) {
                await().atMost(120, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-firehose", topics) == 5000);
            }
            assertThat(firehose.events().stream().map(TypedEvents::messageId).collect(Collectors.toSet()))
                    .isEqualTo(projectById.keySet());
        }
    }
}
