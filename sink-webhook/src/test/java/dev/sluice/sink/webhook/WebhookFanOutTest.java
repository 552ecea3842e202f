package dev.sluice.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.model.FailureHeaders;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkMain;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.sink.SinkUnit;
import dev.sluice.sink.webhook.WebhookTestEvents.Facts;
import dev.sluice.testsupport.ChildJvm;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Four endpoints of one sink on the real broker, each a local receiver: one healthy (filtered, signed), one
 * down for 30 s (connections refused, then 503), one answering 429 with Retry-After (single mode, filtered by
 * event name), one refusing marked events with 400.
 */
class WebhookFanOutTest {

    private static final int EVENTS = 1200;

    @Test
    void everyEndpointGetsItsEventsAndNoneWaitsForAnother() throws Exception {
        Topics topics = WebhookTestEvents.newTopics();
        Map<String, Facts> facts = WebhookTestEvents.write(topics, EVENTS, i -> i % 97 == 3);
        try (WebhookReceiver ok = new WebhookReceiver(); WebhookReceiver down = new WebhookReceiver();
             WebhookReceiver throttling = new WebhookReceiver(); WebhookReceiver picky = new WebhookReceiver()) {
            ok.secret = "ok-secret";
            down.secret = "down-secret";
            down.state(WebhookReceiver.State.REFUSING_CONNECTIONS);
            throttling.throttleNext.set(25);
            picky.refuseMarked = true;
            Path config = WebhookTestEvents.configFile(topics, "{\"endpoints\":["
                    + "{\"name\":\"ok\",\"url\":\"" + ok.url() + "\",\"secretEnv\":\"OK_SECRET\",\"maxEvents\":50,"
                    + "\"filter\":{\"projects\":[\"project-a\",\"project-b\"],\"types\":[\"track\",\"identify\",\"page\"]}},"
                    + "{\"name\":\"down\",\"url\":\"" + down.url() + "\",\"secret\":\"down-secret\",\"timeout\":\"PT2S\"},"
                    + "{\"name\":\"throttled\",\"url\":\"" + throttling.url() + "\",\"mode\":\"single\",\"maxEvents\":8,"
                    + "\"filter\":{\"events\":[\"Order Completed\",\"Home\"]}},"
                    + "{\"name\":\"picky\",\"url\":\"" + picky.url() + "\",\"maxEvents\":40,"
                    + "\"headers\":{\"Authorization\":\"Bearer picky-token\"}}]}");
            Map<String, String> env = WebhookTestEvents.env(topics, config, Map.of("OK_SECRET", "ok-secret",
                    "SLUICE_SINK_PARK_AFTER", "PT5S", "SLUICE_SINK_DELIVERY_TIMEOUT", "PT5S"));

            Set<String> all = facts.keySet();
            Set<String> forOk = ids(facts, f -> !f.project().equals("project-c")
                    && Set.of("track", "identify", "page").contains(f.type()));
            Set<String> forThrottled = ids(facts, f -> f.name() != null && Set.of("Order Completed", "Home").contains(f.name()));
            Set<String> marked = ids(facts, Facts::marked);
            assertThat(forOk).isNotEmpty().isNotEqualTo(all);
            assertThat(forThrottled).isNotEmpty().isNotEqualTo(all);
            assertThat(marked).hasSizeGreaterThan(5);

            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            WebhookPlugin plugin = new WebhookPlugin();
            SinkConfig base = SinkConfig.fromEnv(env, plugin.name(), 0);
            List<SinkUnit> units = plugin.units(base, env, registry);
            String group = base.groupId();
            long started = System.nanoTime();
            try (SinkService sink = SinkService.start(units, null, registry)) {
                // the healthy endpoint has everything while the down one has still had nothing
                await().atMost(120, TimeUnit.SECONDS).until(() -> ok.messageIds().equals(forOk));
                assertThat(down.received).isEmpty();
                assertThat(down.state()).isEqualTo(WebhookReceiver.State.REFUSING_CONNECTIONS);

                // refusing connections for 15 s, then 503 until 30 s in and until the sink has been answered 503
                // (on a loaded machine the healthy endpoint may take longer than 30 s)
                sleepUntil(started, Duration.ofSeconds(15));
                down.state(WebhookReceiver.State.ANSWERING_503);
                await().atMost(60, TimeUnit.SECONDS).until(() -> down.unavailable.get() > 0);
                sleepUntil(started, Duration.ofSeconds(30));
                assertThat(down.received).isEmpty();
                down.state(WebhookReceiver.State.UP);

                await().atMost(180, TimeUnit.SECONDS).until(() -> down.messageIds().equals(all)
                        && throttling.messageIds().equals(forThrottled) && picky.messageIds().size() == all.size()
                        - marked.size());
                assertThat(picky.messageIds()).isEqualTo(difference(all, marked));
                List<ConsumerRecord<String, byte[]>> dead = TopicProbe.read(SharedKafka.bootstrapServers(),
                        units.get(3).config().dlqTopic(), marked.size(), Duration.ofSeconds(60), Duration.ofMillis(500));
                assertThat(dead.stream().map(r -> SegmentJson.parse(r.value()).get("messageId").asText()))
                        .containsExactlyInAnyOrderElementsOf(marked);
                assertThat(dead).allSatisfy(r -> {
                    assertThat(FailureHeaders.text(r.headers(), FailureHeaders.CODE)).isEqualTo("http_400");
                    assertThat(FailureHeaders.text(r.headers(), FailureHeaders.REASON))
                            .startsWith("HTTP 400: {\"error\":\"refused marked event ")
                            .contains(SegmentJson.parse(r.value()).get("messageId").asText());
                });
                await().atMost(60, TimeUnit.SECONDS).until(() -> units.stream()
                        .allMatch(u -> SinkTestTopics.committed(u.config().groupId(), topics) == EVENTS));

                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + sink.adminPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                // each endpoint's consumer has its group as client id, so its lag is a series of its own
                for (SinkUnit u : units) {
                    assertThat(metrics.lines().filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag")
                            && l.contains("client_id=\"" + u.config().groupId() + "\""))).as(u.name()).isNotEmpty();
                }
                assertThat(metrics).contains(
                        outcome(group + ".ok", "delivered"), outcome(group + ".ok", "discarded"),
                        outcome(group + ".down", "delivered"), outcome(group + ".down", "retried"),
                        outcome(group + ".down", "parked"),
                        outcome(group + ".throttled", "delivered"), outcome(group + ".throttled", "retried"),
                        outcome(group + ".picky", "dead_lettered"));
                assertThat(metricValue(metrics, "sluice_sink_discarded_total", group + ".ok", "code=\"filtered\""))
                        .isEqualTo(EVENTS - forOk.size());
                assertThat(metricValue(metrics, "sluice_sink_discarded_total", group + ".throttled",
                        "code=\"filtered\"")).isEqualTo(EVENTS - forThrottled.size());
            }
            // nothing dead-lettered but the refused events, however long an endpoint was down or throttling
            for (int u = 0; u < 3; u++) {
                assertThat(TopicProbe.count(SharedKafka.bootstrapServers(), units.get(u).config().dlqTopic()))
                        .as(units.get(u).name() + "'s DLQ").isZero();
            }
            assertThat(down.unavailable.get()).isPositive();
            assertThat(throttling.throttled.get()).isEqualTo(25);
            assertThat(picky.refused.get()).isGreaterThanOrEqualTo(marked.size());
            for (WebhookReceiver r : List.of(ok, down, throttling, picky)) {
                assertThat(r.badSignatures.get()).isZero();
                assertThat(r.badIdempotencyKeys.get()).isZero();
                assertThat(r.badContentTypes.get()).isZero();
                assertThat(r.userAgents).isNotEmpty().allSatisfy(ua -> assertThat(ua).matches("sluice-webhook/\\S+"));
            }
            assertThat(ok.signedRequests.get()).isPositive();
            assertThat(down.signedRequests.get()).isPositive();

            // replay the picky endpoint's DLQ once it accepts everything: `replay <its DLQ>` acts for it alone
            picky.refuseMarked = false;
            int okRequests = ok.calls.get();
            int downRequests = down.calls.get();
            Path log = Files.createDirectories(Path.of("target")).resolve("webhook-replay-child.log");
            try (ChildJvm replay = ChildJvm.start(SinkMain.class, env, log, "replay", units.get(3).config().dlqTopic())) {
                await().atMost(120, TimeUnit.SECONDS).until(() -> !replay.isAlive());
            }
            assertThat(picky.messageIds()).isEqualTo(all);
            assertThat(ok.calls.get()).isEqualTo(okRequests);
            assertThat(down.calls.get()).isEqualTo(downRequests);
        }
    }

    private static Set<String> ids(Map<String, Facts> facts, Predicate<Facts> which) {
        return facts.entrySet().stream().filter(e -> which.test(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        return a.stream().filter(x -> !b.contains(x)).collect(Collectors.toSet());
    }

    private static void sleepUntil(long startedNanos, Duration after) throws InterruptedException {
        long left = startedNanos + after.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static String outcome(String group, String outcome) {
        return "group=\"" + group + "\",outcome=\"" + outcome + "\"";
    }

    /** The sum of a counter's samples for one group (over projects) that also carry {@code label}. */
    static double metricValue(String scrape, String name, String group, String label) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") && l.contains("group=\"" + group + "\"")
                        && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
