package dev.sluice.allinone;

import dev.sluice.model.EventHeaders;
import dev.sluice.sink.BatchLimits;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.sink.SinkRecord;
import dev.sluice.sink.SinkUnit;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A sink plugin as it is, except that each record handed to the destination client is noted (by its
 * messageId header) in {@link StageTimes} before the call: for {@link EndToEndLatencyBenchmark}.
 */
final class TimedSinkPlugin implements SinkPlugin {

    private final SinkPlugin plugin;
    private final StageTimes times;

    TimedSinkPlugin(SinkPlugin plugin, StageTimes times) {
        this.plugin = plugin;
        this.times = times;
    }

    @Override
    public String name() {
        return plugin.name();
    }

    @Override
    public int defaultAdminPort() {
        return plugin.defaultAdminPort();
    }

    @Override
    public boolean configured(Map<String, String> env) {
        return plugin.configured(env);
    }

    @Override
    public String enableHint() {
        return plugin.enableHint();
    }

    @Override
    public List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry) {
        return plugin.units(base, env, registry).stream()
                .map(u -> new SinkUnit(u.name(), u.config(), new TimedSink(u.sink(), times))).toList();
    }

    /** Notes the records, then delegates; safe when the runtime calls it from several threads at once. */
    private record TimedSink(Sink sink, StageTimes times) implements Sink {

        @Override
        public BatchLimits limits() {
            return sink.limits();
        }

        @Override
        public List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) throws Exception {
            long now = System.currentTimeMillis();
            for (SinkRecord r : batch) {
                String id = EventHeaders.text(r.headers(), EventHeaders.MESSAGE_ID);
                if (id != null) {
                    times.handed(id, now);
                }
            }
            times.deliverCalls.incrementAndGet();
            times.handedEvents.addAndGet(batch.size());
            times.mostInFlight.accumulateAndGet(times.inFlight.incrementAndGet(), Math::max);
            try {
                return sink.deliver(batch, deadline);
            } finally {
                times.inFlight.decrementAndGet();
            }
        }

        @Override
        public int maxCallsInFlight() {
            return sink.maxCallsInFlight();
        }

        @Override
        public boolean keepsPartitionOrder() {
            return sink.keepsPartitionOrder();
        }

        @Override
        public void close() {
            sink.close();
        }
    }
}
