package dev.sluice.sink.firehose;

import dev.sluice.runtime.EnvReader.ConfigException;
import dev.sluice.runtime.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where events go in Firehose.
 *
 * @param streams projectId → delivery stream
 * @param defaultStream stream for unlisted projects, or null (their events go to the DLQ)
 * @param endpoint endpoint override (a VPC endpoint, a local stand-in), or null for AWS's
 * @param region AWS region, or null for the SDK's default chain
 * @param accessKeyId static credentials when both parts are set; otherwise the SDK's default chain
 * @param packBytes 0: one event per Firehose record; else events of one stream are packed,
 *                  newline-separated, into records of up to this many bytes (fewer, larger records)
 */
public record FirehoseConfig(Map<String, String> streams, String defaultStream, URI endpoint, String region,
                             String accessKeyId, String secretAccessKey, int packBytes, Duration callTimeout) {

    /** Firehose's per-record limit (1,000 KiB before base64). */
    public static final int MAX_RECORD_BYTES = 1_024_000;

    public FirehoseConfig {
        streams = Map.copyOf(streams);
        for (String s : streams.values()) {
            checkStreamName(s, "SLUICE_FIREHOSE_STREAMS");
        }
        if (defaultStream != null) {
            checkStreamName(defaultStream, "SLUICE_FIREHOSE_DEFAULT_STREAM");
        }
        if (streams.isEmpty() && defaultStream == null) {
            throw new ConfigException("no Firehose stream: set SLUICE_FIREHOSE_STREAMS=project=stream,... "
                    + "and/or SLUICE_FIREHOSE_DEFAULT_STREAM");
        }
    }

    public static FirehoseConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String endpoint = r.raw("SLUICE_FIREHOSE_ENDPOINT");
        URI uri = null;
        if (endpoint != null) {
            uri = URI.create(endpoint);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new ConfigException("SLUICE_FIREHOSE_ENDPOINT=" + endpoint
                        + ": needs a scheme and host, e.g. https://firehose.eu-west-1.amazonaws.com");
            }
        }
        return new FirehoseConfig(r.pairs("SLUICE_FIREHOSE_STREAMS", null), r.raw("SLUICE_FIREHOSE_DEFAULT_STREAM"),
                uri, r.raw("AWS_REGION"), r.raw("AWS_ACCESS_KEY_ID"), r.raw("AWS_SECRET_ACCESS_KEY"),
                r.integer("SLUICE_FIREHOSE_PACK_BYTES", 0, 0, MAX_RECORD_BYTES),
                r.duration("SLUICE_FIREHOSE_CALL_TIMEOUT", Duration.ofSeconds(30)));
    }

    /** The stream for a project, or null when there is none. */
    public String streamFor(String project) {
        return streams.getOrDefault(project, defaultStream);
    }

    private static void checkStreamName(String name, String variable) {
        if (!name.matches("[a-zA-Z0-9_.-]{1,64}")) {
            throw new ConfigException(variable + ": '" + name
                    + "' is not a Firehose stream name (1-64 of a-z, A-Z, 0-9, _ . -)");
        }
    }
}
