package dev.sluice.sink.mailchimp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.DeliveryLogEntry.Outcome;
import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import dev.sluice.sink.DeliveryLogProbe;
import dev.sluice.sink.DeliveryLogProbe.Step;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.SharedKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The delivery log a real sink writes: sink-mailchimp against the Marketing API stand-in, which accepts
 * members, refuses a fake address for good, fails some calls with a 500 (then accepts them), while the sink
 * discards what has no member to write.
 */
class MailchimpDeliveryLogTest {

    @Test
    void theLogHoldsForEveryMessageIdExactlyWhatHappenedToIt() throws Exception {
        Topics topics = MailchimpSinkTest.newTopics();
        int n = 240;
        Map<String, String> projectById = TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, n,
                MailchimpSinkTest::json, "project-a", "project-b");
        String group = "sluice-sink-mailchimp";
        int failedCalls = 4;
        long start = System.currentTimeMillis();
        try (MailchimpStandIn mailchimp = new MailchimpStandIn("0123456789abcdef0123456789abcdef-us6", "list-a",
                "list-default")) {
            mailchimp.failNextCalls = failedCalls;
            try (SinkService sink = MailchimpSinkTest.start(MailchimpSinkTest.env(topics, mailchimp.url()))) {
                await().atMost(120, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed(group, topics) == n);
            }
        }
        long end = System.currentTimeMillis();

        Map<String, List<Step>> paths = DeliveryLogProbe.paths(
                DeliveryLogProbe.read(SharedKafka.bootstrapServers(), topics.deliveries()), group);
        assertThat(paths.keySet()).containsExactlyInAnyOrderElementsOf(projectById.keySet());
        int retrying = 0;
        for (int i = 0; i < n; i++) {
            String id = topics.prefix() + "m-" + i;
            List<Step> path = paths.get(id);
            List<Outcome> outcomes = DeliveryLogProbe.outcomes(path);
            Step last = path.get(path.size() - 1);
            boolean identify = EventType.values()[i % 6] == EventType.IDENTIFY;
            if (!identify) {
                assertThat(outcomes).as(id).containsExactly(Outcome.DISCARDED);
                assertThat(last.code()).isEqualTo("unsupported_type");
                continue;
            }
            if (i % 100 != 7 && i % 4 == 1) {
                assertThat(outcomes).as(id).containsExactly(Outcome.DISCARDED);
                assertThat(last.code()).isEqualTo("no_email");
                continue;
            }
            // the 500s hit whichever members were sent first: those are retried before their final outcome
            List<Step> before = path.subList(0, path.size() - 1);
            assertThat(before).as(id).allSatisfy(s -> {
                assertThat(s.outcome()).isEqualTo(Outcome.RETRYING);
                assertThat(s.code()).isEqualTo("http_500");
                assertThat(s.nextAttemptAtMillis()).isGreaterThan(s.atMillis());
            });
            retrying += before.size();
            if (i % 100 == 7) {
                assertThat(last.outcome()).as(id).isEqualTo(Outcome.DEAD_LETTERED);
                assertThat(last.code()).isEqualTo("http_400");
                assertThat(last.reason()).contains("looks fake or invalid");
            } else {
                assertThat(last.outcome()).as(id).isEqualTo(Outcome.DELIVERED);
            }
            for (int k = 0; k < path.size(); k++) {
                Step s = path.get(k);
                assertThat(s.event().attempts()).as(id).isEqualTo(k + 1);
                assertThat(s.event().projectId()).isEqualTo(projectById.get(id));
                assertThat(s.event().type()).isEqualTo("identify");
                assertThat(s.atMillis() - s.event().timestampMillis()).as(id + " latency").isNotNegative();
                assertThat(s.atMillis()).isBetween(start, end);
            }
        }
        assertThat(retrying).as("one retrying step per call the stand-in failed").isEqualTo(failedCalls);
    }
}
