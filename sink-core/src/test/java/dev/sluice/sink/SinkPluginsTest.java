package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.runtime.EnvReader.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which sink a process runs, and which consumer of a sink a replay acts for. */
class SinkPluginsTest {

    private static SinkPlugin plugin(String name) {
        return new SinkPlugin() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int defaultAdminPort() {
                return 0;
            }

            @Override
            public boolean configured(Map<String, String> env) {
                return true;
            }

            @Override
            public String enableHint() {
                return "";
            }

            @Override
            public List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry) {
                return List.of();
            }
        };
    }

    @Test
    void pluginsComeInNameOrderAndTwoWithOneNameOrABadNameAreRefused() {
        assertThat(SinkPlugins.checked(List.of(plugin("sink-b"), plugin("sink-a")))).extracting(SinkPlugin::name)
                .containsExactly("sink-a", "sink-b");
        assertThatThrownBy(() -> SinkPlugins.checked(List.of(plugin("sink-a"), plugin("sink-a"))))
                .hasMessageContaining("two sink plugins are named sink-a");
        assertThatThrownBy(() -> SinkPlugins.checked(List.of(plugin("Firehose"))))
                .hasMessageContaining("sink-<destination>");
    }

    @Test
    void aStandaloneProcessRunsItsOnlySinkOrTheOneSluiceSinkNames() {
        List<SinkPlugin> two = List.of(plugin("sink-a"), plugin("sink-b"));
        assertThat(SinkPlugins.select(List.of(plugin("sink-a")), Map.of()).name()).isEqualTo("sink-a");
        assertThat(SinkPlugins.select(two, Map.of("SLUICE_SINK", "sink-b")).name()).isEqualTo("sink-b");
        assertThatThrownBy(() -> SinkPlugins.select(two, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLUICE_SINK").hasMessageContaining("sink-a");
        assertThatThrownBy(() -> SinkPlugins.select(two, Map.of("SLUICE_SINK", "sink-c")))
                .hasMessageContaining("SLUICE_SINK=sink-c");
        assertThatThrownBy(() -> SinkPlugins.select(List.of(), Map.of())).hasMessageContaining("no sink plugin");
    }

    @Test
    void aReplayActsForTheUnitWhoseTopicItReplaysOrTheOneNamed() {
        SinkConfig base = SinkConfig.fromEnv(Map.of(), "sink-hook", 0);
        SinkUnit a = new SinkUnit("a", base.withGroup("sluice-sink-hook.a"), null);
        SinkUnit b = new SinkUnit("b", base.withGroup("sluice-sink-hook.b"), null);
        List<SinkUnit> units = List.of(a, b);
        assertThat(b.config().dlqTopic()).isEqualTo("sluice.dlq.sink-hook.b");
        assertThat(SinkMain.replayUnit(units, new String[] {"replay", b.config().dlqTopic()}, Map.of())).isSameAs(b);
        assertThat(SinkMain.replayUnit(units, new String[] {"replay", "sluice.events.track"},
                Map.of("SLUICE_SINK_UNIT", "a"))).isSameAs(a);
        assertThatThrownBy(() -> SinkMain.replayUnit(units, new String[] {"replay", "sluice.events.track"}, Map.of()))
                .hasMessageContaining("SLUICE_SINK_UNIT");
        assertThat(SinkMain.replayUnit(List.of(a), new String[] {"replay", "sluice.events.track"}, Map.of()))
                .isSameAs(a);
    }
}
