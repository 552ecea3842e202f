package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.EventHeaders;
import dev.sluice.model.FailureHeaders;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.testsupport.TempDirs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouterTopologyTest {

    private static final Topics TOPICS = new Topics("sluice.");
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private SimpleMeterRegistry registry;
    private Path stateDir;

    private void start(Duration dedupWindow) throws Exception {
        stateDir = Files.createTempDirectory("router-ttd-");
        RouterConfig config = RouterConfig.fromEnv(Map.of("SLUICE_DEDUP_WINDOW", dedupWindow.toString(),
                "SLUICE_ROUTER_STATE_DIR", stateDir.toString()));
        registry = new SimpleMeterRegistry();
        Properties props = RouterApp.streamsProperties(config);
        driver = new TopologyTestDriver(RouterTopology.build(config, new RouterMetrics(registry)), props);
        raw = driver.createInputTopic(TOPICS.ingestRaw(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        dev.sluice.testsupport.TempDirs.deleteRecursively(stateDir);
    }

    private TestOutputTopic<String, byte[]> out(String topic) {
        return driver.createOutputTopic(topic, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    private void pipe(String envelopeJson, Instant at) {
        raw.pipeInput(new TestRecord<>("project-a", envelopeJson.getBytes(StandardCharsets.UTF_8), at));
    }

    private static String envelope(String batch) {
        return envelope(batch, "\"sentAt\":\"2026-03-01T13:00:05.000Z\"");
    }

    private static String envelope(String batch, String extra) {
        return "{\"projectId\":\"project-a\",\"receivedAt\":\"2026-03-01T12:00:10.000Z\",\"ip\":\"203.0.113.9\","
                + "\"userAgent\":\"ua\"," + extra + ",\"batch\":[" + batch + "]}";
    }

    private static JsonNode json(byte[] b) {
        return SegmentJson.parse(b);
    }

    private static String header(TestRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void splitsABatchIntoOneRecordPerEventRoutedByType() throws Exception {
        start(Duration.ofHours(24));
        pipe(envelope(String.join(",",
                "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"m1\"}",
                "{\"type\":\"identify\",\"userId\":\"u\",\"messageId\":\"m2\"}",
                "{\"type\":\"page\",\"userId\":\"u\",\"messageId\":\"m3\"}",
                "{\"type\":\"screen\",\"userId\":\"u\",\"messageId\":\"m4\"}",
                "{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"g\",\"messageId\":\"m5\"}",
                "{\"type\":\"alias\",\"userId\":\"u\",\"previousId\":\"p\",\"messageId\":\"m6\"}")), T0);

        String[] types = {"track", "identify", "page", "screen", "group", "alias"};
        for (int i = 0; i < types.length; i++) {
            List<TestRecord<String, byte[]>> records = out("sluice.events." + types[i]).readRecordsToList();
            assertThat(records).as(types[i]).hasSize(1);
            TestRecord<String, byte[]> r = records.get(0);
            assertThat(r.key()).isEqualTo("project-a");
            assertThat(header(r, EventHeaders.TYPE)).isEqualTo(types[i]);
            assertThat(header(r, EventHeaders.PROJECT)).isEqualTo("project-a");
            assertThat(header(r, EventHeaders.MESSAGE_ID)).isEqualTo("m" + (i + 1));
            assertThat(json(r.value()).get("type").asText()).isEqualTo(types[i]);
        }
        assertThat(out(TOPICS.rejected()).isEmpty()).isTrue();
    }

    @Test
    void enrichesWithSkewCorrectionProjectReceivedAtAndIp() throws Exception {
        start(Duration.ofHours(24));
        // device clock 1 h fast: stamped 13:00:00, sent 13:00:05 (device time), received 12:00:10 (server)
        pipe(envelope("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"timestamp\":\"2026-03-01T13:00:00.000Z\"}"), T0);

        JsonNode e = json(out("sluice.events.track").readValue());
        assertThat(e.get("timestamp").asText()).isEqualTo("2026-03-01T12:00:05.000Z");
        assertThat(e.get("originalTimestamp").asText()).isEqualTo("2026-03-01T13:00:00.000Z");
        assertThat(e.get("sentAt").asText()).isEqualTo("2026-03-01T13:00:05.000Z");
        assertThat(e.get("receivedAt").asText()).isEqualTo("2026-03-01T12:00:10.000Z");
        assertThat(e.get("projectId").asText()).isEqualTo("project-a");
        assertThat(e.get("context").get("ip").asText()).isEqualTo("203.0.113.9");
        assertThat(e.get("messageId").asText()).startsWith("sluice-");
    }

    @Test
    void mergesEnvelopeContextAndIntegrationsWithEventValuesWinning() throws Exception {
        start(Duration.ofHours(24));
        pipe(envelope("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"context\":{\"locale\":\"de-DE\"},"
                        + "\"integrations\":{\"Mixpanel\":false}}",
                "\"context\":{\"locale\":\"en-US\",\"library\":{\"name\":\"analytics-java\"}},"
                        + "\"integrations\":{\"All\":true,\"Mixpanel\":true}"), T0);

        JsonNode e = json(out("sluice.events.track").readValue());
        assertThat(e.get("context").get("locale").asText()).isEqualTo("de-DE");
        assertThat(e.get("context").get("library").get("name").asText()).isEqualTo("analytics-java");
        assertThat(e.get("integrations").get("All").asBoolean()).isTrue();
        assertThat(e.get("integrations").get("Mixpanel").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"track\",\"userId\":\"u\"}|event_not_defined",
        "{\"type\":\"track\",\"event\":\"E\"}|no_user_anon_id",
        "{\"type\":\"fly\",\"userId\":\"u\"}|invalid_type",
        "{\"type\":\"group\",\"userId\":\"u\"}|group_id_required",
        "{\"type\":\"alias\",\"userId\":\"u\"}|previous_id_required",
        "{\"type\":\"identify\",\"userId\":\"u\",\"traits\":1}|traits_not_object",
        "{\"type\":\"page\",\"userId\":\"u\",\"name\":\"\"}|name_not_string",
        "17|event_not_object"})
    void invalidEventsGoToRejectedWithTheirReason(String caseText) throws Exception {
        start(Duration.ofHours(24));
        String[] parts = caseText.split("\\|");
        pipe(envelope(parts[0] + ",{\"type\":\"track\",\"userId\":\"u\",\"event\":\"Good\"}"), T0);

        List<TestRecord<String, byte[]>> rejected = out(TOPICS.rejected()).readRecordsToList();
        assertThat(rejected).hasSize(1);
        assertThat(header(rejected.get(0), FailureHeaders.CODE)).isEqualTo(parts[1]);
        assertThat(header(rejected.get(0), FailureHeaders.STAGE)).isEqualTo("router-streams");
        assertThat(rejected.get(0).key()).isEqualTo("project-a");
        assertThat(new String(rejected.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(parts[0]);
        assertThat(out("sluice.events.track").readValuesToList()).hasSize(1);
    }

    @Test
    void anEnvelopeFromAnotherProducerLosesOnlyTheEventsThatCannotBeRouted() throws Exception {
        start(Duration.ofHours(24));
        String big = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"big\",\"p\":\""
                + "x".repeat(20_000) + "\"}";
        pipe(envelope(String.join(",",
                "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"ok-1\"}",
                "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"ts\","
                        + "\"originalTimestamp\":\"0001-01-02T00:00:00Z\",\"sentAt\":\"9999-01-01T00:00:00Z\"}",
                "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"ok-2\"}",
                big,
                "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"ok-3\"}"),
                "\"context\":{\"pad\":\"" + "c".repeat(20_000) + "\"}"), T0);

        assertThat(out("sluice.events.track").readValuesToList()).extracting(v -> json(v).get("messageId").asText())
                .containsExactly("ok-1", "ok-2", "ok-3");
        List<TestRecord<String, byte[]>> rejected = out(TOPICS.rejected()).readRecordsToList();
        assertThat(rejected).extracting(r -> header(r, FailureHeaders.CODE))
                .containsExactly("invalid_timestamp", "payload_too_large");
        assertThat(rejected).extracting(r -> header(r, FailureHeaders.STAGE)).containsOnly("router-streams");
        assertThat(json(rejected.get(0).value()).get("messageId").asText()).isEqualTo("ts");
    }

    @Test
    void malformedRawRecordsAreRejectedAndProcessingGoesOn() throws Exception {
        start(Duration.ofHours(24));
        raw.pipeInput(new TestRecord<>("project-a", "not json".getBytes(StandardCharsets.UTF_8), T0));
        raw.pipeInput(new TestRecord<>("project-a", "{\"batch\":[]}".getBytes(StandardCharsets.UTF_8), T0));
        raw.pipeInput(new TestRecord<>(null, (byte[]) null, T0));
        pipe(envelope("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"After\"}"), T0);

        List<TestRecord<String, byte[]>> rejected = out(TOPICS.rejected()).readRecordsToList();
        assertThat(rejected).hasSize(3).allSatisfy(r ->
                assertThat(header(r, FailureHeaders.CODE)).isEqualTo("malformed_raw"));
        assertThat(new String(rejected.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(header(rejected.get(1), FailureHeaders.REASON)).contains("projectId");
        assertThat(json(out("sluice.events.track").readValue()).get("event").asText()).isEqualTo("After");
    }

    @Test
    void duplicatesWithinTheWindowAreDroppedAndOutsideItPassAgain() throws Exception {
        start(Duration.ofHours(1));
        String ev = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"dup\"}";
        pipe(envelope(ev), T0);
        pipe(envelope(ev), T0.plus(Duration.ofMinutes(59)));
        pipe(envelope(ev + "," + ev), T0.plus(Duration.ofMinutes(30)));
        assertThat(out("sluice.events.track").readValuesToList()).hasSize(1);

        pipe(envelope(ev), T0.plus(Duration.ofHours(3)));
        assertThat(out("sluice.events.track").readValuesToList()).hasSize(1);
        assertThat(registry.get("sluice.router.events").tag("outcome", "duplicate").counter().count()).isEqualTo(3);
    }

    @Test
    void sameMessageIdInDifferentProjectsIsNotADuplicate() throws Exception {
        start(Duration.ofHours(1));
        pipe(envelope("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"same\"}"), T0);
        raw.pipeInput(new TestRecord<>("project-b", envelope("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\","
                + "\"messageId\":\"same\"}").replace("project-a", "project-b").getBytes(StandardCharsets.UTF_8), T0));
        assertThat(out("sluice.events.track").readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly("project-a", "project-b");
    }

    @Test
    void dedupCanBeSwitchedOff() throws Exception {
        start(Duration.ZERO);
        String ev = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"dup\"}";
        pipe(envelope(ev + "," + ev), T0);
        assertThat(out("sluice.events.track").readValuesToList()).hasSize(2);
    }

    @Test
    void generatedMessageIdsAreStableForTheSameRawRecordSoReprocessingStaysDeduplicated() throws Exception {
        start(Duration.ofHours(1));
        String noId = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}";
        pipe(envelope(noId + "," + noId), T0);
        List<TestRecord<String, byte[]>> first = out("sluice.events.track").readRecordsToList();
        assertThat(first).hasSize(2);
        assertThat(header(first.get(0), EventHeaders.MESSAGE_ID)).isNotEqualTo(header(first.get(1), EventHeaders.MESSAGE_ID));
    }
}
