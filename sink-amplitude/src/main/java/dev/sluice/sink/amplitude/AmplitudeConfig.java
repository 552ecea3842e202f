package dev.sluice.sink.amplitude;

import dev.sluice.runtime.EnvReader.ConfigException;
import dev.sluice.runtime.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where events go and under which Amplitude project.
 *
 * @param apiKeys projectId → Amplitude API key; events of other projects go to the DLQ (replayable once a
 *                key is added) unless {@code skipUnmapped}
 * @param pageEvent event_type of a page call; {@code {name}} and {@code {category}} are replaced
 * @param screenEvent event_type of a screen call, the same way
 * @param groupType the group type a group call's groupId is sent under ({@code groups})
 * @param minIdLength Amplitude's minimum user_id/device_id length (its default is 5), also sent as
 *                    {@code options.min_id_length}
 * @param throttleBackoff how long the events of a user or device Amplitude throttled wait (Amplitude asks
 *                        for about 15 s)
 */
public record AmplitudeConfig(URI url, Map<String, String> apiKeys, boolean skipUnmapped, String pageEvent,
                              String screenEvent, String groupType, int minIdLength, Duration timeout,
                              Duration throttleBackoff) {

    public static final String DEFAULT_URL = "https://api2.amplitude.com/2/httpapi";

    public AmplitudeConfig {
        apiKeys = Map.copyOf(apiKeys);
        if (apiKeys.isEmpty()) {
            throw new ConfigException("no Amplitude API key: set SLUICE_AMPLITUDE_API_KEYS=project=apiKey,... "
                    + "(or SLUICE_AMPLITUDE_API_KEYS_FILE)");
        }
    }

    public static AmplitudeConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String url = r.string("SLUICE_AMPLITUDE_URL", DEFAULT_URL);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("SLUICE_AMPLITUDE_URL=" + url + ": not a URL");
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new ConfigException("SLUICE_AMPLITUDE_URL=" + url + ": expected http(s)://host/2/httpapi");
        }
        String unmapped = r.string("SLUICE_AMPLITUDE_UNMAPPED", "dlq");
        if (!unmapped.equals("dlq") && !unmapped.equals("skip")) {
            throw new ConfigException("SLUICE_AMPLITUDE_UNMAPPED=" + unmapped + ": expected dlq or skip");
        }
        return new AmplitudeConfig(uri, r.pairs("SLUICE_AMPLITUDE_API_KEYS", "SLUICE_AMPLITUDE_API_KEYS_FILE"),
                unmapped.equals("skip"),
                r.string("SLUICE_AMPLITUDE_PAGE_EVENT", "Viewed {name} Page"),
                r.string("SLUICE_AMPLITUDE_SCREEN_EVENT", "Viewed {name} Screen"),
                r.string("SLUICE_AMPLITUDE_GROUP_TYPE", "[Segment] Group"),
                r.integer("SLUICE_AMPLITUDE_MIN_ID_LENGTH", 5, 1, 1024),
                r.duration("SLUICE_AMPLITUDE_TIMEOUT", Duration.ofSeconds(10)),
                r.duration("SLUICE_AMPLITUDE_THROTTLE_BACKOFF", Duration.ofSeconds(15)));
    }

    /** The API key for a project, or null. */
    public String apiKeyFor(String project) {
        return apiKeys.get(project);
    }
}
