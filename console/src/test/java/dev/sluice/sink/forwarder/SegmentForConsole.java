package dev.sluice.sink.forwarder;

import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Opens sink-forwarder's package-private Segment stand-in to the console's browser test, and runs the forwarder. */
public final class SegmentForConsole implements AutoCloseable {

    private final SegmentStandIn standIn;

    public SegmentForConsole(String... writeKeys) throws IOException {
        this.standIn = new SegmentStandIn(writeKeys);
    }

    public String url() {
        return standIn.url();
    }

    /** messageIds Segment accepted, in order, repeats included. */
    public List<String> messageIds() {
        return standIn.messageIds();
    }

    /** Whether events marked {@code properties.poison} are refused with a 400; clearing it "fixes" Segment. */
    public void refusePoison(boolean refuse) {
        standIn.refusePoison = refuse;
    }

    public int badRequests() {
        return standIn.badRequests.get();
    }

    /** The real forwarder on the settings in {@code env}, as its plugin runs it. */
    public static SinkService startForwarder(Map<String, String> env) {
        return SinkService.start(SinkConfig.fromEnv(env, "sink-forwarder", 0),
                new SegmentSink(ForwarderConfig.fromEnv(env)), null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @Override
    public void close() {
        standIn.close();
    }
}
