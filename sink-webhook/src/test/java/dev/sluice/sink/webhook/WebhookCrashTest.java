package dev.sluice.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.Topics;
import dev.sluice.sink.SinkMain;
import dev.sluice.testsupport.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** sink-webhook as its own JVM (SinkMain finds the plugin), SIGKILLed mid-stream and restarted: every endpoint gets every event. */
class WebhookCrashTest {

    @Test
    void killedWithSigkillAndRestartedLosesNothing() throws Exception {
        Topics topics = WebhookTestEvents.newTopics();
        Set<String> all = WebhookTestEvents.write(topics, 3000, i -> false).keySet();
        Path log = Files.createDirectories(Path.of("target")).resolve("webhook-crash-child.log");
        try (WebhookReceiver batch = new WebhookReceiver(); WebhookReceiver single = new WebhookReceiver()) {
            // slow enough for the kill to land mid-stream for both endpoints
            batch.delayMillis = 150;
            single.delayMillis = 20;
            single.secret = "crash-secret";
            Path config = WebhookTestEvents.configFile(topics, "{\"endpoints\":["
                    + "{\"name\":\"batched\",\"url\":\"" + batch.url() + "\",\"maxEvents\":50},"
                    + "{\"name\":\"single\",\"url\":\"" + single.url() + "\",\"mode\":\"single\",\"maxEvents\":4,"
                    + "\"secretEnv\":\"CRASH_SECRET\"}]}");
            Map<String, String> env = WebhookTestEvents.env(topics, config, Map.of("CRASH_SECRET", "crash-secret",
                    "SLUICE_SINK_LINGER", "PT0.01S"));
            ChildJvm first = ChildJvm.start(SinkMain.class, env, log);
            await().atMost(90, TimeUnit.SECONDS).until(() -> !batch.received.isEmpty() && !single.received.isEmpty());
            first.kill();
            assertThat(batch.messageIds()).as("killed before the end").hasSizeLessThan(all.size());
            assertThat(single.messageIds()).as("killed before the end").hasSizeLessThan(all.size());

            try (ChildJvm second = ChildJvm.start(SinkMain.class, env, log)) {
                await().atMost(180, TimeUnit.SECONDS)
                        .until(() -> batch.messageIds().equals(all) && single.messageIds().equals(all));
            }
            assertThat(single.badSignatures.get()).isZero();
        }
    }
}
