package dev.sluice.sink;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/**
 * A destination module's entry in the one plug point: found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.sluice.sink.SinkPlugin}), it names the sink, says whether an environment
 * configures it and builds its consumers. Nothing outside the sink's module names the sink.
 */
public interface SinkPlugin {

    /**
     * {@code sink-<destination>}: the default group ({@code sluice-<name>}), the retry and DLQ topics, the
     * metrics' {@code sink} tag and all-in-one's prefix for this sink's own settings ({@code SINK_<DESTINATION>__}).
     */
    String name();

    /** The admin port when it runs alone, and in all-in-one unless {@code SINK_<DESTINATION>__SLUICE_ADMIN_PORT}. */
    int defaultAdminPort();

    /** Whether this environment configures the destination; all-in-one starts only the sinks that are. */
    boolean configured(Map<String, String> env);

    /** What to set to turn the sink on, for all-in-one's banner while it is off. */
    String enableHint();

    /**
     * Builds the sink's consumers, failing with a {@link dev.sluice.runtime.EnvReader.ConfigException} that
     * names the variable. Most sinks have one, on {@code base}; a fan-out sink has one per endpoint, each
     * with its own group (so its own retry topic and DLQ) from {@link SinkConfig#withGroup}.
     *
     * @param registry where the sink's own meters go, beside the runtime's
     */
    List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry);
}
