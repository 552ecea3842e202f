package dev.sluice.ingest;

import static dev.sluice.ingest.IngestFixture.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.MessageBuilder;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real analytics-java SDK, changed only in its endpoint, delivers into Kafka. */
class SegmentSdkTest {

    @Test
    void analyticsJavaEventsAllLandInIngestRaw() throws Exception {
        try (IngestFixture f = new IngestFixture(Map.of())) {
            int rounds = 5;
            List<MessageBuilder<?, ?>> builders = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                builders.add(TrackMessage.builder("Order Completed").properties(Map.of("revenue", 9.99)));
                builders.add(IdentifyMessage.builder().traits(Map.of("plan", "pro")));
                builders.add(PageMessage.builder("Home"));
                builders.add(ScreenMessage.builder("Main"));
                builders.add(GroupMessage.builder("g-" + i));
                builders.add(AliasMessage.builder("previous-" + i));
            }
            CountDownLatch delivered = new CountDownLatch(builders.size());
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            Analytics analytics = Analytics.builder(KEY_A)
                    .endpoint("http://localhost:" + f.api.port())
                    .flushQueueSize(3)
                    .flushInterval(1, TimeUnit.SECONDS)
                    .callback(new Callback() {
                        @Override
                        public void success(Message message) {
                            delivered.countDown();
                        }

                        @Override
                        public void failure(Message message, Throwable throwable) {
                            failures.add(throwable);
                            delivered.countDown();
                        }
                    })
                    .build();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < builders.size(); i++) {
                String id = "sdk-" + i;
                sent.add(id);
                analytics.enqueue(builders.get(i).userId("user-" + i).messageId(id));
            }
            analytics.flush();
            assertThat(delivered.await(60, TimeUnit.SECONDS)).isTrue();
            analytics.shutdown();
            assertThat(failures).isEmpty();

            List<ObjectNode> events = f.rawEvents(builders.size() / 3);
            assertThat(events).extracting(e -> e.get("messageId").asText()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(events).extracting(e -> e.get("type").asText())
                    .contains("track", "identify", "page", "screen", "group", "alias");
            assertThat(f.rawRecords(builders.size() / 3)).allSatisfy(r -> assertThat(r.key()).isEqualTo("project-a"));
        }
    }
}
