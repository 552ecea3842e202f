package dev.sluice.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.model.DeliveryLogEntry;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.ParkingHeaders;
import dev.sluice.model.Topics;
import dev.sluice.runtime.KafkaSettings;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import dev.sluice.testsupport.UniqueTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Destinations, DLQ and Replay API on the shared broker. The records a sink would write (DLQ records
 * with their failure headers, delivery log entries, committed offsets) are written here directly: what
 * is under test is what the console reads from them and writes back.
 */
class ConsoleSinkGroupsTest {

    private static final String TOKEN = "sink-groups-token-0123456789";
    private static final String SINK = "sink-forwarder";
    /** A unit group of the forwarder of this test's own: the browser test's forwarder is sluice-sink-forwarder. */
    private static final String GROUP = "sluice-sink-forwarder.t" + ProcessHandle.current().pid();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Topics topics = UniqueTopics.next("g");
    private final String bootstrap = SharedKafka.bootstrapServers();
    private KafkaProducer<String, byte[]> producer;
    private Console console;

    @BeforeEach
    void start() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topics.events(EventType.TRACK), 1, (short) 1),
                    new NewTopic(topics.events(EventType.IDENTIFY), 1, (short) 1),
                    new NewTopic(topics.retry(SINK, GROUP), 1, (short) 1),
                    new NewTopic(topics.dlq(SINK, GROUP), 2, (short) 1),
                    new NewTopic(topics.deliveries(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer());
        console = Console.start(new ConsoleConfig(new KafkaSettings(bootstrap, topics, 1, 1), "0.0.0.0", 0, TOKEN,
                100, 1000));
    }

    @AfterEach
    void stop() {
        if (console != null) {
            console.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    private void send(String topic, Integer partition, long timestamp, String messageId, String value,
                      RecordHeaders h) throws Exception {
        EventHeaders.put(h, EventHeaders.PROJECT, "shop");
        EventHeaders.put(h, EventHeaders.TYPE, "track");
        EventHeaders.put(h, EventHeaders.MESSAGE_ID, messageId);
        producer.send(new ProducerRecord<>(topic, partition, timestamp, "shop", value.getBytes(StandardCharsets.UTF_8),
                h)).get(10, TimeUnit.SECONDS);
    }

    private void dead(int partition, String messageId, String code) throws Exception {
        RecordHeaders h = new RecordHeaders();
        new FailureHeaders(code, "refused " + messageId, SINK, 3, Instant.now().minusSeconds(60), Instant.now())
                .writeTo(h);
        EventHeaders.put(h, ParkingHeaders.PARKINGS, "1");
        EventHeaders.put(h, ParkingHeaders.ORIGIN_TOPIC, topics.events(EventType.TRACK));
        send(topics.dlq(SINK, GROUP), partition, System.currentTimeMillis(), messageId,
                "{\"type\":\"track\",\"event\":\"E\",\"messageId\":\"" + messageId + "\",\"writeKey\":\"wk-secret\"}", h);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + console.port();
    }

    @Test
    void browsesADlqByReasonAndRedrivesChosenRecordsIntoTheGroupsRetryTopicAsNew() throws Exception {
        dead(0, "m-1", "http_400");
        dead(1, "m-2", "http_400");
        dead(0, "m-3", "http_413");
        String retry = topics.retry(SINK, GROUP);

        JsonNode dlq = get("/api/dlq/" + GROUP);
        assertThat(dlq.get("dlqTopic").asText()).isEqualTo(topics.dlq(SINK, GROUP))
                .isEqualTo(topics.prefix() + "dlq.sink-forwarder.t" + ProcessHandle.current().pid());
        assertThat(dlq.get("reasons").get("http_400").asInt()).isEqualTo(2);
        assertThat(dlq.get("reasons").get("http_413").asInt()).isEqualTo(1);
        assertThat(dlq.get("records")).hasSize(3);
        JsonNode m3 = null;
        for (JsonNode r : dlq.get("records")) {
            if (r.get("messageId").asText().equals("m-3")) {
                m3 = r;
            }
        }
        assertThat(m3.get("reason").asText()).isEqualTo("refused m-3");
        assertThat(m3.get("attempts").asText()).isEqualTo("3");
        assertThat(dlq.toString()).doesNotContain("wk-secret");
        assertThat(get("/api/dlq/" + GROUP + "?reason=http_413").get("records")).hasSize(1);

        // state-changing requests: JSON only, never from another site
        assertThat(post("/api/dlq/" + GROUP + "/redrive", "application/x-www-form-urlencoded", "ids=x").statusCode())
                .isEqualTo(415);
        assertThat(post("/api/dlq/" + GROUP + "/redrive", "application/json", "{\"reason\":\"http_400\"}",
                "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
        assertThat(post("/api/dlq/" + GROUP + "/redrive", "application/json",
                "{\"ids\":[\"" + topics.retry(SINK, GROUP) + "/0/0\"]}").statusCode()).isEqualTo(400);
        assertThat(TopicProbe.count(bootstrap, retry)).isZero();

        // one chosen record
        HttpResponse<String> one = post("/api/dlq/" + GROUP + "/redrive", "application/json",
                "{\"ids\":[\"" + m3.get("id").asText() + "\"]}");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(JSON.readTree(one.body()).get("redriven").asInt()).isEqualTo(1);
        List<ConsumerRecord<String, byte[]>> back = TopicProbe.read(bootstrap, retry, 1, Duration.ofSeconds(10));
        assertThat(back).hasSize(1);
        ConsumerRecord<String, byte[]> r = back.get(0);
        assertThat(r.key()).isEqualTo("shop");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("\"messageId\":\"m-3\"");
        assertThat(EventHeaders.text(r.headers(), EventHeaders.MESSAGE_ID)).isEqualTo("m-3");
        assertThat(EventHeaders.text(r.headers(), ParkingHeaders.ORIGIN_TOPIC)).isEqualTo(topics.events(EventType.TRACK));
        assertThat(r.headers().lastHeader(FailureHeaders.ATTEMPTS)).isNull();
        assertThat(r.headers().lastHeader(FailureHeaders.CODE)).isNull();
        assertThat(r.headers().lastHeader(ParkingHeaders.PARKINGS)).isNull();
        Instant due = IsoInstant.parse(EventHeaders.text(r.headers(), ParkingHeaders.DUE_AT)).orElseThrow();
        assertThat(due).isBetween(Instant.now().minusSeconds(60), Instant.now());

        // all of one reason, across partitions
        HttpResponse<String> all = post("/api/dlq/" + GROUP + "/redrive", "application/json",
                "{\"reason\":\"http_400\"}");
        assertThat(JSON.readTree(all.body()).get("redriven").asInt()).isEqualTo(2);
        List<String> ids = TopicProbe.read(bootstrap, retry, 3, Duration.ofSeconds(10), Duration.ofMillis(500))
                .stream().map(x -> EventHeaders.text(x.headers(), EventHeaders.MESSAGE_ID)).toList();
        assertThat(ids).containsExactlyInAnyOrder("m-3", "m-1", "m-2");

        // the redrives are counted
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base() + "/metrics"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("sluice_console_redriven_records_total{group=\"" + GROUP + "\"} 3.0")
                .contains("jvm_memory_used_bytes");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        // and the page learns from the delivery log what became of them
        producer.send(new ProducerRecord<>(topics.deliveries(), GROUP, new DeliveryLogEntry(SINK, GROUP,
                Outcome.DELIVERED, System.currentTimeMillis(), null, null, 0,
                List.of(new DeliveryLogEntry.Event("m-3", "shop", "track", System.currentTimeMillis() - 250, 1)))
                .toJson())).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode x : get("/api/dlq/" + GROUP).get("records")) {
                if (x.get("messageId").asText().equals("m-3") && x.has("status")) {
                    return x.get("status").get("outcome").asText().equals("delivered");
                }
            }
            return false;
        });
        JsonNode path = get("/api/messages/m-3").get("deliveries");
        assertThat(path).hasSize(1);
        assertThat(path.get(0).get("group").asText()).isEqualTo(GROUP);
        assertThat(path.get(0).get("latencyMs").asLong()).isBetween(250L, 10_000L);
    }

    @Test
    void destinationsShowTheLogsRatesAndTheGroupsLag() throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) {
            send(topics.events(EventType.TRACK), 0, now - 30_000 + i, "t-" + i, "{}", new RecordHeaders());
        }
        // the sink group committed two of five: three behind, the oldest of them about 30 s old
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, GROUP),
                new StringDeserializer(), new StringDeserializer())) {
            c.commitSync(Map.of(new TopicPartition(topics.events(EventType.TRACK), 0), new OffsetAndMetadata(2)));
        }
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>(topics.deliveries(), GROUP, new DeliveryLogEntry(SINK, GROUP,
                    i < 9 ? Outcome.DELIVERED : Outcome.DEAD_LETTERED, now, i < 9 ? null : "http_400",
                    i < 9 ? null : "invalid event t-9", 0,
                    List.of(new DeliveryLogEntry.Event("t-" + i, "shop", "track", now - 100 * (i + 1), 1))).toJson()));
        }
        producer.flush();

        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/destinations").toString().contains("invalid event t-9"));
        JsonNode g = null;
        for (JsonNode x : get("/api/destinations").get("groups")) {
            if (x.get("group").asText().equals(GROUP)) {
                g = x;
            }
        }
        assertThat(g.get("sink").asText()).isEqualTo(SINK);
        assertThat(g.get("perMinute").get("delivered").asDouble()).isEqualTo(9 / 5.0);
        assertThat(g.get("perMinute").get("dead_lettered").asDouble()).isEqualTo(1 / 5.0);
        assertThat(g.get("p50Ms").asLong()).isEqualTo(500);
        assertThat(g.get("p95Ms").asLong()).isEqualTo(900);
        assertThat(g.get("lastErrors").get(0).get("code").asText()).isEqualTo("http_400");
        assertThat(g.path("lagRecords").asLong()).as(g.toString()).isEqualTo(3);
        assertThat(g.get("lagSeconds").asLong()).isBetween(29L, 120L);
        assertThat(g.get("parked").asLong()).isZero();
    }

    @Test
    void aReplayCopiesATimeRangeOfTheTypedTopicsIntoTheGroupsRetryTopic() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(3));
        for (int i = 0; i < 6; i++) { // one every 30 minutes
            send(topics.events(EventType.TRACK), 0, t.plus(Duration.ofMinutes(30L * i)).toEpochMilli(), "r-" + i,
                    "{\"i\":" + i + "}", new RecordHeaders());
        }
        send(topics.events(EventType.IDENTIFY), 0, t.plus(Duration.ofMinutes(45)).toEpochMilli(), "id-1", "{}",
                new RecordHeaders());
        String body = "{\"from\":\"" + t.plus(Duration.ofMinutes(20)) + "\",\"to\":\"" + t.plus(Duration.ofMinutes(100))
                + "\",\"types\":[\"track\"]}";

        assertThat(post("/api/replay/" + GROUP, "text/plain", body).statusCode()).isEqualTo(415);
        HttpResponse<String> started = post("/api/replay/" + GROUP, "application/json", body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/replay/" + GROUP).get("state").asText()
                .equals("done"));
        JsonNode progress = get("/api/replay/" + GROUP);
        assertThat(progress.get("total").asLong()).isEqualTo(3); // r-1, r-2, r-3: 30, 60, 90 minutes in
        assertThat(progress.get("copied").asLong()).isEqualTo(3);
        List<ConsumerRecord<String, byte[]>> copied = TopicProbe.read(bootstrap, topics.retry(SINK, GROUP), 3,
                Duration.ofSeconds(10), Duration.ofMillis(500));
        assertThat(copied).extracting(x -> EventHeaders.text(x.headers(), EventHeaders.MESSAGE_ID))
                .containsExactly("r-1", "r-2", "r-3");
        assertThat(copied).allSatisfy(x -> {
            assertThat(x.headers().lastHeader(ParkingHeaders.DUE_AT)).isNotNull();
            assertThat(EventHeaders.text(x.headers(), ParkingHeaders.ORIGIN_TOPIC))
                    .isEqualTo(topics.events(EventType.TRACK));
        });
        assertThat(copied.get(0).timestamp()).isEqualTo(t.plus(Duration.ofMinutes(30)).toEpochMilli());

        // delivered, as the log says, counts the range's events delivered since the replay started
        long at = System.currentTimeMillis();
        producer.send(new ProducerRecord<>(topics.deliveries(), GROUP, new DeliveryLogEntry(SINK, GROUP,
                Outcome.DELIVERED, at, null, null, 0, List.of(
                new DeliveryLogEntry.Event("r-1", "shop", "track", t.plus(Duration.ofMinutes(30)).toEpochMilli(), 1),
                new DeliveryLogEntry.Event("r-2", "shop", "track", t.plus(Duration.ofMinutes(60)).toEpochMilli(), 1),
                new DeliveryLogEntry.Event("live", "shop", "track", at - 5, 1))).toJson())).get();
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/replay/" + GROUP).get("delivered").asLong() == 2);

        // one at a time per group; an unknown group is refused
        assertThat(post("/api/replay/someone-else", "application/json", body).statusCode()).isEqualTo(404);
        assertThat(post("/api/replay/" + GROUP + "/cancel", "application/json", "{}").statusCode()).isEqualTo(200);
    }
}
