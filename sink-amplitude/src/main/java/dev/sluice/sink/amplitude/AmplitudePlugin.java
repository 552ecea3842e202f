package dev.sluice.sink.amplitude;

import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.sink.SinkUnit;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/** sink-amplitude on the sink plug point: on when an Amplitude API key is configured. */
public final class AmplitudePlugin implements SinkPlugin {

    @Override
    public String name() {
        return "sink-amplitude";
    }

    @Override
    public int defaultAdminPort() {
        return 9105;
    }

    @Override
    public boolean configured(Map<String, String> env) {
        return new EnvReader(env).anySet("SLUICE_AMPLITUDE_API_KEYS", "SLUICE_AMPLITUDE_API_KEYS_FILE");
    }

    @Override
    public String enableHint() {
        return "set SLUICE_AMPLITUDE_API_KEYS=project=apiKey,...";
    }

    @Override
    public List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry) {
        return List.of(SinkUnit.single(base, new AmplitudeSink(AmplitudeConfig.fromEnv(env))));
    }
}
