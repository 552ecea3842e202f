package dev.sluice.sink.forwarder;

import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.sink.SinkUnit;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/** sink-forwarder on the sink plug point: on when a destination writeKey is configured. */
public final class ForwarderPlugin implements SinkPlugin {

    @Override
    public String name() {
        return "sink-forwarder";
    }

    @Override
    public int defaultAdminPort() {
        return 9103;
    }

    @Override
    public boolean configured(Map<String, String> env) {
        return new EnvReader(env).anySet("SLUICE_FORWARD_WRITE_KEYS", "SLUICE_FORWARD_WRITE_KEYS_FILE",
                "SLUICE_FORWARD_DEFAULT_WRITE_KEY");
    }

    @Override
    public String enableHint() {
        return "set SLUICE_FORWARD_WRITE_KEYS or SLUICE_FORWARD_DEFAULT_WRITE_KEY";
    }

    @Override
    public List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry) {
        return List.of(SinkUnit.single(base, new SegmentSink(ForwarderConfig.fromEnv(env))));
    }
}
