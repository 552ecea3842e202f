package dev.sluice.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.firehose.FirehosePlugin;
import dev.sluice.sink.forwarder.ForwarderPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-sink settings in the one shared environment, and the refusal of one group for two sinks. */
class AllInOneConfigTest {

    private static final Map<String, String> BOTH_SINKS = Map.of(
            "SLUICE_FIREHOSE_DEFAULT_STREAM", "dev-events",
            "SLUICE_FIREHOSE_ENDPOINT", "http://localhost:1",
            "SLUICE_FORWARD_WRITE_KEYS", "dev=k",
            "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y");

    @Test
    void aVariableWithASinksPrefixOverridesTheSharedOneForThatSinkOnly() {
        Map<String, String> env = new HashMap<>(BOTH_SINKS);
        env.put("SLUICE_SINK_PARK_AFTER", "PT2M");
        env.put("SINK_FIREHOSE__SLUICE_SINK_PARK_AFTER", "PT30S");
        env.put("SINK_FORWARDER__SLUICE_SINK_GROUP_ID", "segment-eu");
        AllInOneConfig config = AllInOneConfig.fromEnv(env);
        SinkConfig firehose = SinkConfig.fromEnv(config.sinkEnv(env, "sink-firehose", "b:9092", true, 0),
                "sink-firehose", 0);
        SinkConfig forwarder = SinkConfig.fromEnv(config.sinkEnv(env, "sink-forwarder", "b:9092", true, 0),
                "sink-forwarder", 0);
        assertThat(firehose.retry().parkAfter()).hasSeconds(30);
        assertThat(forwarder.retry().parkAfter()).hasMinutes(2);
        assertThat(firehose.groupId()).isEqualTo("sluice-sink-firehose");
        assertThat(forwarder.groupId()).isEqualTo("segment-eu");
        assertThat(forwarder.dlqTopic()).isEqualTo("sluice.dlq.sink-forwarder.segment-eu");
    }

    @Test
    void aSinkCanBeTurnedOnByItsPrefixedSettingsAlone() {
        Map<String, String> env = Map.of("SINK_FIREHOSE__SLUICE_FIREHOSE_DEFAULT_STREAM", "s");
        AllInOneConfig config = AllInOneConfig.fromEnv(env);
        assertThat(new FirehosePlugin().configured(config.sinkEnv(env, "sink-firehose", "b:9092", true, 0))).isTrue();
        assertThat(new ForwarderPlugin().configured(config.sinkEnv(env, "sink-forwarder", "b:9092", true, 0)))
                .isFalse();
    }

    @Test
    void aSinksAdminPortIsItsOwnDefaultUnlessItsPrefixSaysOtherwise() {
        Map<String, String> env = Map.of("SLUICE_ADMIN_PORT", "7000", "SINK_FORWARDER__SLUICE_ADMIN_PORT", "7103");
        AllInOneConfig config = AllInOneConfig.fromEnv(env);
        assertThat(config.sinkEnv(env, "sink-firehose", "b:9092", true, 9102)).containsEntry("SLUICE_ADMIN_PORT", "9102");
        assertThat(config.sinkEnv(env, "sink-forwarder", "b:9092", true, 9103)).containsEntry("SLUICE_ADMIN_PORT", "7103");
    }

    @Test
    void oneGroupIdForBothSinksIsRefusedBeforeAnythingStarts() throws Exception {
        Path data = Files.createTempDirectory("sluice-aio-cfg-");
        Map<String, String> env = new HashMap<>(BOTH_SINKS);
        env.put("SLUICE_SINK_GROUP_ID", "everything");
        env.put("SLUICE_DATA_DIR", data.toString());
        env.put("SLUICE_KAFKA_PORT", "0");
        assertThatThrownBy(() -> AllInOne.start(env)).isInstanceOf(EnvReader.ConfigException.class)
                .hasMessageContaining("SLUICE_SINK_GROUP_ID").hasMessageContaining("'everything'")
                .hasMessageContaining("sink-firehose").hasMessageContaining("sink-forwarder");
        // refused before the broker was started: it wrote nothing
        try (var files = Files.list(data)) {
            assertThat(files).isEmpty();
        }
        env.put("SINK_FORWARDER__SLUICE_SINK_GROUP_ID", "everything-segment");
        AllInOne.refuseSharedGroups(java.util.List.of(
                SinkConfig.fromEnv(AllInOneConfig.fromEnv(env).sinkEnv(env, "sink-firehose", "b", true, 0),
                        "sink-firehose", 0),
                SinkConfig.fromEnv(AllInOneConfig.fromEnv(env).sinkEnv(env, "sink-forwarder", "b", true, 0),
                        "sink-forwarder", 0)));
    }
}
