package dev.sluice.sink.mailchimp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.EventType;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkRecord;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.TypedEventWriter;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import dev.sluice.testsupport.UniqueTopics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The real Mailchimp sink against a Marketing API stand-in on loopback, on the real broker. */
class MailchimpSinkTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef-us6";

    static Topics newTopics() {
        return UniqueTopics.next("mc");
    }

    static Map<String, String> env(Topics topics, String url) {
        return SinkTestTopics.env(topics, Map.of(
                "SLUICE_MAILCHIMP_URL", url,
                "SLUICE_MAILCHIMP_API_KEY", KEY,
                "SLUICE_MAILCHIMP_LISTS", "project-a=list-a",
                "SLUICE_MAILCHIMP_DEFAULT_LIST", "list-default"));
    }

    static SinkService start(Map<String, String> env) {
        return SinkService.start(SinkConfig.fromEnv(env, "sink-mailchimp", 0),
                new MailchimpSink(MailchimpConfig.fromEnv(env)), null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Identify {@code i} has an email unless {@code i % 4 == 1}; {@code i % 100 == 7} has one Mailchimp calls fake. */
    static String json(int i, EventType type, String id, String project) {
        String email = i % 100 == 7 ? "\"email\":\"Person" + i + "@example.invalid\","
                : i % 4 == 1 ? "" : "\"email\":\"Person" + i + "@Example.com\",";
        return "{\"type\":\"" + type.wireName() + "\",\"messageId\":\"" + id + "\",\"userId\":\"user-" + i
                + "\",\"projectId\":\"" + project + "\",\"event\":\"E\",\"name\":\"N\",\"groupId\":\"g\","
                + "\"previousId\":\"p\",\"traits\":{" + email + "\"firstName\":\"Ada" + i + "\",\"lastName\":\"Lovelace\","
                + "\"plan\":\"pro\"}}";
    }

    @Test
    void identifiesUpsertMembersOthersAreDiscardedAndCountedAndAFakeAddressIsDeadLetteredWithMailchimpsDetail()
            throws Exception {
        Topics topics = newTopics();
        int n = 1200;
        Map<String, String> projectById = TypedEventWriter.write(SharedKafka.bootstrapServers(), topics, n,
                MailchimpSinkTest::json, "project-a", "project-b");
        int identifies = 0;
        int withEmail = 0;
        int fake = 0;
        for (int i = 0; i < n; i++) {
            if (i % 6 == 1) {
                identifies++;
                if (i % 100 == 7) {
                    fake++;
                } else if (i % 4 != 1) {
                    withEmail++;
                }
            }
        }
        try (MailchimpStandIn mailchimp = new MailchimpStandIn(KEY, "list-a", "list-default")) {
            mailchimp.rateLimitNext = 3;
            mailchimp.failNextCalls = 3;
            try (SinkService sink = start(env(topics, mailchimp.url()))) {
                await().atMost(120, TimeUnit.SECONDS).until(() -> SinkTestTopics.committed("sluice-sink-mailchimp", topics) == n);
                String scrape = sink.registry().scrape();
                assertThat(scrape).contains(
                        "sluice_sink_discarded_total{code=\"unsupported_type\",group=\"sluice-sink-mailchimp\","
                                + "sink=\"sink-mailchimp\"} " + (n - identifies) + ".0",
                        "sluice_sink_discarded_total{code=\"no_email\",group=\"sluice-sink-mailchimp\","
                                + "sink=\"sink-mailchimp\"} " + (identifies - withEmail - fake) + ".0",
                        "outcome=\"retried\"");
            }
            assertThat(mailchimp.refusedAuth.get()).isZero();
            assertThat(mailchimp.memberCount()).isEqualTo(withEmail);
            for (int i = 1; i < n; i += 6) {
                if (i % 4 == 1 || i % 100 == 7) {
                    continue;
                }
                // project-a (even i) has its own list; project-b takes the default
                String list = i % 2 == 0 ? "list-a" : "list-default";
                JsonNode member = mailchimp.members.get(list).get(MemberUpsert.subscriberHash("person" + i + "@example.com"));
                assertThat(member).as("identify " + i).isNotNull();
                assertThat(member.get("email_address").asText()).isEqualTo("Person" + i + "@Example.com");
                assertThat(member.get("status_if_new").asText()).isEqualTo("subscribed");
                assertThat(member.get("merge_fields").get("FNAME").asText()).isEqualTo("Ada" + i);
                assertThat(member.get("merge_fields").get("LNAME").asText()).isEqualTo("Lovelace");
                assertThat(member.get("merge_fields").has("plan")).isFalse();
            }
            List<ConsumerRecord<String, byte[]>> dead = TopicProbe.read(SharedKafka.bootstrapServers(),
                    topics.dlq("sink-mailchimp"), fake, Duration.ofSeconds(20), Duration.ofMillis(500));
            assertThat(dead).hasSize(fake).allSatisfy(r -> {
                assertThat(SegmentJson.parse(r.value()).path("traits").path("email").asText()).endsWith(".invalid");
                assertThat(FailureHeaders.text(r.headers(), FailureHeaders.CODE)).isEqualTo("http_400");
                assertThat(FailureHeaders.text(r.headers(), FailureHeaders.REASON)).contains("Invalid Resource",
                        "looks fake or invalid", "email_address: This value should be a valid email.");
            });
            assertThat(projectById).hasSize(n);
        }
    }

    @Test
    void neverMoreThanTenRequestsInFlightInTheProcessEvenFromTwoSinksAtOnce() throws Exception {
        try (MailchimpStandIn mailchimp = new MailchimpStandIn(KEY, "list-default")) {
            mailchimp.delayMillis = 150;
            Map<String, String> env = Map.of("SLUICE_MAILCHIMP_URL", mailchimp.url(), "SLUICE_MAILCHIMP_API_KEY", KEY,
                    "SLUICE_MAILCHIMP_DEFAULT_LIST", "list-default");
            ExecutorService callers = Executors.newFixedThreadPool(2);
            List<Future<List<Delivery>>> calls = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                MailchimpSink sink = new MailchimpSink(MailchimpConfig.fromEnv(env));
                List<SinkRecord> batch = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    batch.add(new SinkRecord("p", "identify", ("{\"type\":\"identify\",\"userId\":\"u\",\"traits\":"
                            + "{\"email\":\"s" + s + "-" + i + "@example.com\"}}").getBytes(StandardCharsets.UTF_8),
                            0L, new RecordHeaders()));
                }
                calls.add(callers.submit(() -> sink.deliver(batch, Instant.now().plusSeconds(60))));
            }
            for (Future<List<Delivery>> call : calls) {
                assertThat(call.get(90, TimeUnit.SECONDS)).extracting(Delivery::outcome)
                        .containsOnly(Delivery.Outcome.DELIVERED).hasSize(60);
            }
            callers.shutdown();
            assertThat(mailchimp.memberCount()).isEqualTo(120);
            assertThat(mailchimp.maxInFlight.get()).as("the process's cap").isLessThanOrEqualTo(MailchimpSink.MAX_IN_FLIGHT);
            assertThat(mailchimp.maxInFlight.get()).as("requests do overlap").isGreaterThan(1);
        }
    }

    @Test
    void classifiesMailchimpsAnswers() {
        assertThat(MailchimpSink.classify(200, "{}").outcome()).isEqualTo(Delivery.Outcome.DELIVERED);
        assertThat(MailchimpSink.classify(429, "{\"title\":\"Too Many Requests\",\"detail\":\"x\"}").throttled()).isTrue();
        assertThat(MailchimpSink.classify(503, "").outcome()).isEqualTo(Delivery.Outcome.TRANSIENT);
        assertThat(MailchimpSink.classify(403, "").outcome()).as("the bare 403 of Mailchimp's throttle")
                .isEqualTo(Delivery.Outcome.TRANSIENT);
        assertThat(MailchimpSink.classify(403, "{\"title\":\"Forbidden\",\"detail\":\"no access\"}").outcome())
                .isEqualTo(Delivery.Outcome.PERMANENT);
        Delivery bad = MailchimpSink.classify(400, "{\"type\":\"t\",\"title\":\"Invalid Resource\",\"status\":400,"
                + "\"detail\":\"Your merge fields were invalid.\",\"instance\":\"i\",\"errors\":[{\"field\":\"FNAME\","
                + "\"message\":\"Please enter a value\"}]}");
        assertThat(bad.outcome()).isEqualTo(Delivery.Outcome.PERMANENT);
        assertThat(bad.reason()).isEqualTo("HTTP 400 Invalid Resource: Your merge fields were invalid. "
                + "[FNAME: Please enter a value]");
    }

    @Test
    void configTakesTheDataCenterFromTheKeyAndChecksTheStatus() {
        Map<String, String> env = Map.of("SLUICE_MAILCHIMP_API_KEY", KEY, "SLUICE_MAILCHIMP_DEFAULT_LIST", "l",
                "SLUICE_MAILCHIMP_MERGE_FIELDS", "firstName=FNAME,company=COMPANY");
        MailchimpConfig c = MailchimpConfig.fromEnv(env);
        assertThat(c.baseUrl().toString()).isEqualTo("https://us6.api.mailchimp.com");
        assertThat(c.mergeFields()).containsEntry("company", "COMPANY").hasSize(2);
        assertThat(c.statusIfNew()).isEqualTo("subscribed");
        assertThatThrownBy(() -> MailchimpConfig.fromEnv(Map.of("SLUICE_MAILCHIMP_API_KEY", "nodc",
                "SLUICE_MAILCHIMP_DEFAULT_LIST", "l"))).isInstanceOf(EnvReader.ConfigException.class)
                .hasMessageContaining("SLUICE_MAILCHIMP_URL");
        assertThatThrownBy(() -> MailchimpConfig.fromEnv(Map.of("SLUICE_MAILCHIMP_API_KEY", KEY,
                "SLUICE_MAILCHIMP_DEFAULT_LIST", "l", "SLUICE_MAILCHIMP_STATUS_IF_NEW", "maybe")))
                .hasMessageContaining("SLUICE_MAILCHIMP_STATUS_IF_NEW");
        assertThatThrownBy(() -> MailchimpConfig.fromEnv(Map.of("SLUICE_MAILCHIMP_API_KEY", KEY)))
                .hasMessageContaining("SLUICE_MAILCHIMP_DEFAULT_LIST");
        // Mailchimp's documented example: the hash of the lowercased address
        assertThat(MemberUpsert.subscriberHash(" Urist.McVankab@FreddieMacs.com "))
                .isEqualTo(MemberUpsert.subscriberHash("urist.mcvankab@freddiemacs.com")).hasSize(32);
    }
}
