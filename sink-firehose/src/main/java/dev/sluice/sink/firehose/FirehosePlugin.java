package dev.sluice.sink.firehose;

import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.sink.SinkUnit;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/** sink-firehose on the sink plug point: on when a delivery stream is configured. */
public final class FirehosePlugin implements SinkPlugin {

    @Override
    public String name() {
        return "sink-firehose";
    }

    @Override
    public int defaultAdminPort() {
        return 9102;
    }

    @Override
    public boolean configured(Map<String, String> env) {
        return new EnvReader(env).anySet("SLUICE_FIREHOSE_STREAMS", "SLUICE_FIREHOSE_DEFAULT_STREAM");
    }

    @Override
    public String enableHint() {
        return "set SLUICE_FIREHOSE_STREAMS or SLUICE_FIREHOSE_DEFAULT_STREAM";
    }

    @Override
    public List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry) {
        FirehoseConfig config = FirehoseConfig.fromEnv(env);
        return List.of(SinkUnit.single(base, new FirehoseSink(config, FirehoseSink.client(config), registry)));
    }
}
