package dev.sluice.sink.mailchimp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.Topics;
import dev.sluice.sink.SinkMain;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.ChildJvm;
import dev.sluice.testsupport.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** sink-mailchimp as its own JVM (the plugin found by SinkMain), SIGKILLed mid-stream and restarted: no member lost. */
class MailchimpCrashTest {

    @Test
    void killedWithSigkillAndRestartedLosesNoMember() throws Exception {
        Topics topics = MailchimpSinkTest.newTopics();
        int n = 1500;
        TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, n, (i, type, id, project) ->
                "{\"type\":\"identify\",\"messageId\":\"" + id + "\",\"userId\":\"user-" + i + "\",\"traits\":"
                        + "{\"email\":\"person" + i + "@example.com\"}}", "project-a");
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < n; i++) {
            expected.add(MemberUpsert.subscriberHash("person" + i + "@example.com"));
        }
        Path log = Files.createDirectories(Path.of("target")).resolve("mailchimp-crash-child.log");
        try (MailchimpStandIn mailchimp = new MailchimpStandIn("0123456789abcdef0123456789abcdef-us6", "list-a",
                "list-default")) {
            mailchimp.delayMillis = 40; // at most 10 in flight: ~250 members a second, so the kill lands mid-stream
            Map<String, String> env = MailchimpSinkTest.env(topics, mailchimp.url());
            ChildJvm first = ChildJvm.start(SinkMain.class, env, log);
            await().atMost(90, TimeUnit.SECONDS).until(() -> mailchimp.memberCount() > 0);
            first.kill();
            assertThat(mailchimp.memberCount()).as("killed before the end").isLessThan(n);

            try (ChildJvm second = ChildJvm.start(SinkMain.class, env, log)) {
                await().atMost(120, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-mailchimp", topics) == n);
            }
            assertThat(mailchimp.members.get("list-a").keySet()).isEqualTo(expected);
            assertThat(mailchimp.puts.get()).as("at least once").isGreaterThanOrEqualTo(n);
        }
    }
}
