package dev.sluice.sink.webhook;

import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.sink.SinkUnit;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/**
 * sink-webhook on the sink plug point: on when {@code SLUICE_WEBHOOK_CONFIG} names an endpoints file; one unit,
 * so one consumer group ({@code <group>.<endpoint>}), retry topic and DLQ, per endpoint.
 */
public final class WebhookPlugin implements SinkPlugin {

    @Override
    public String name() {
        return "sink-webhook";
    }

    @Override
    public int defaultAdminPort() {
        return 9104;
    }

    @Override
    public boolean configured(Map<String, String> env) {
        String file = env.get(WebhookConfig.VARIABLE);
        return file != null && !file.isBlank();
    }

    @Override
    public String enableHint() {
        return "set " + WebhookConfig.VARIABLE + " to a JSON file of endpoints";
    }

    @Override
    public List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry) {
        return WebhookConfig.fromEnv(env).endpoints().stream()
                .map(e -> new SinkUnit(e.name(), base.withGroup(groupId(base, e)), new WebhookSink(e)))
                .toList();
    }

    /** {@code sluice-sink-webhook.<endpoint>} by default; under SLUICE_SINK_GROUP_ID, that group dot the endpoint. */
    static String groupId(SinkConfig base, Endpoint endpoint) {
        return base.groupId() + "." + endpoint.name();
    }
}
