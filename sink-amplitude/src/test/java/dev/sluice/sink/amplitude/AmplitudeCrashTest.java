package dev.sluice.sink.amplitude;

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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** sink-amplitude as its own JVM (the plugin found by SinkMain), SIGKILLed mid-stream and restarted: nothing lost. */
class AmplitudeCrashTest {

    @Test
    void killedWithSigkillAndRestartedLosesNothing() throws Exception {
        Topics topics = AmplitudeTestEvents.newTopics();
        Map<String, String> projectById = AmplitudeTestEvents.write(topics, 4000, "project-a", "project-b");
        Set<String> expected = projectById.keySet().stream().filter(id -> AmplitudeTestEvents.index(id) % 6 != 5)
                .collect(Collectors.toSet());
        Path log = Files.createDirectories(Path.of("target")).resolve("amplitude-crash-child.log");
        try (AmplitudeStandIn amplitude = new AmplitudeStandIn("amp-key-a", "amp-key-b")) {
            amplitude.delayMillis = 300; // slow enough for the kill to land mid-stream
            Map<String, String> env = AmplitudeTestEvents.env(topics, amplitude.url(), Map.of("SLUICE_SINK_LINGER", "PT0.01S"));
            ChildJvm first = ChildJvm.start(SinkMain.class, env, log);
            await().atMost(90, TimeUnit.SECONDS).until(() -> !amplitude.received.isEmpty());
            first.kill();
            assertThat(new HashSet<>(amplitude.insertIds())).as("killed before the end").hasSizeLessThan(expected.size());

            try (ChildJvm second = ChildJvm.start(SinkMain.class, env, log)) {
                await().atMost(120, TimeUnit.SECONDS)
                        .until(() -> SinkTestTopics.committed("sluice-sink-amplitude", topics) == 4000);
            }
            assertThat(new HashSet<>(amplitude.insertIds())).isEqualTo(expected);
        }
    }
}
