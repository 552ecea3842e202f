package dev.sluice.sink.mailchimp;

import dev.sluice.runtime.EnvReader;
import dev.sluice.sink.SinkConfig;
import dev.sluice.sink.SinkPlugin;
import dev.sluice.sink.SinkUnit;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/** sink-mailchimp on the sink plug point: on when a Mailchimp API key is configured. */
public final class MailchimpPlugin implements SinkPlugin {

    @Override
    public String name() {
        return "sink-mailchimp";
    }

    @Override
    public int defaultAdminPort() {
        return 9106;
    }

    @Override
    public boolean configured(Map<String, String> env) {
        return new EnvReader(env).anySet("SLUICE_MAILCHIMP_API_KEY");
    }

    @Override
    public String enableHint() {
        return "set SLUICE_MAILCHIMP_API_KEY and SLUICE_MAILCHIMP_DEFAULT_LIST (or SLUICE_MAILCHIMP_LISTS)";
    }

    @Override
    public List<SinkUnit> units(SinkConfig base, Map<String, String> env, MeterRegistry registry) {
        return List.of(SinkUnit.single(base, new MailchimpSink(MailchimpConfig.fromEnv(env))));
    }
}
