package dev.sluice.sink.forwarder;

import dev.sluice.runtime.EnvReader.ConfigException;
import dev.sluice.runtime.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where and as whom events are forwarded.
 *
 * @param writeKeys projectId → destination writeKey
 * @param defaultWriteKey for projects not listed, or null
 * @param skipUnmapped true: events of a project without a key are skipped (and counted); false: they
 *                     go to the DLQ, replayable once a key is configured
 */
public record ForwarderConfig(URI url, Map<String, String> writeKeys, String defaultWriteKey, boolean skipUnmapped,
                              Duration timeout, boolean gzip) {

    public ForwarderConfig {
        writeKeys = Map.copyOf(writeKeys);
        if (writeKeys.isEmpty() && defaultWriteKey == null) {
            throw new ConfigException("no destination writeKey: set SLUICE_FORWARD_WRITE_KEYS=project=writeKey,... "
                    + "(or SLUICE_FORWARD_WRITE_KEYS_FILE, or SLUICE_FORWARD_DEFAULT_WRITE_KEY)");
        }
    }

    public static ForwarderConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String url = r.string("SLUICE_FORWARD_URL", "https://api.segment.io/v1/batch");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("SLUICE_FORWARD_URL=" + url + ": not a URL");
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new ConfigException("SLUICE_FORWARD_URL=" + url + ": expected http(s)://host/v1/batch");
        }
        String unmapped = r.string("SLUICE_FORWARD_UNMAPPED", "dlq");
        if (!unmapped.equals("dlq") && !unmapped.equals("skip")) {
            throw new ConfigException("SLUICE_FORWARD_UNMAPPED=" + unmapped + ": expected dlq or skip");
        }
        return new ForwarderConfig(uri, r.pairs("SLUICE_FORWARD_WRITE_KEYS", "SLUICE_FORWARD_WRITE_KEYS_FILE"),
                r.raw("SLUICE_FORWARD_DEFAULT_WRITE_KEY"), unmapped.equals("skip"),
                r.duration("SLUICE_FORWARD_TIMEOUT", Duration.ofSeconds(10)),
                r.bool("SLUICE_FORWARD_GZIP", true));
    }

    /** The destination writeKey for a project, or null. */
    public String writeKeyFor(String project) {
        return writeKeys.getOrDefault(project, defaultWriteKey);
    }
}
