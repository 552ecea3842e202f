package dev.sluice.allinone;

import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.BatchLimits;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.sink.SinkRecord;
import dev.sluice.sink.SinkUnit;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sink that exists only on the tests' classpath, registered in the tests' own
 * {@code META-INF/services}: all-in-one must find and run it with no other change, as it would a new module.
 */
public final class ProbeSinkPlugin implements SinkPlugin {

    /** {@code group/type} of every record a probe sink in this JVM was handed. */
    static final Set<String> DELIVERED = Collections.newSetFromMap(new ConcurrentHashMap<>());

    @Override
    public String name() {
        return "sink-probe";
    }

    @Override
    public int defaultAdminPort() {
        return 9199;
    }

    @Override
    public boolean configured(Map<String, String> env) {
        return new EnvReader(env).bool("SLUICE_PROBE_SINK", false);
    }

    @Override
    public String enableHint() {
        return "set SLUICE_PROBE_SINK=true";
    }

    @Override
    public List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry) {
        return List.of(SinkUnit.single(base, new Sink() {
            @Override
            public BatchLimits limits() {
                return new BatchLimits(100, 1 << 20, 1 << 16, Duration.ofMillis(10));
            }

            @Override
            public List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) {
                batch.forEach(r -> DELIVERED.add(base.groupId() + "/" + r.type()));
                return batch.stream().map(r -> Delivery.delivered()).toList();
            }
        }));
    }
}
