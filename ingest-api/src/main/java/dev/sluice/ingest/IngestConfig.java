package dev.sluice.ingest;

import dev.sluice.runtime.AdminServer;
import dev.sluice.runtime.EnvReader.ConfigException;
import dev.sluice.runtime.EnvReader;
import dev.sluice.runtime.KafkaSettings;
import java.time.Duration;
import java.util.Map;

/**
 * Everything ingest-api reads from its environment, validated at start.
 *
 * @param writeKeys writeKey → projectId
 * @param kafkaTimeout how long a request waits for Kafka's acknowledgement before answering 503
 * @param rateLimitPerSecond requests per second allowed per project (0: no limit)
 * @param rateLimitFailedAuthPerAddress requests per second without a valid writeKey allowed per client
 *                                      address before its unauthenticated requests are refused unread
 * @param adminBind address of the admin server ({@code /readyz}, {@code /metrics}): loopback by default
 */
public record IngestConfig(KafkaSettings kafka, int port, Map<String, String> writeKeys,
                           int maxEventBytes, int maxRequestBytes, int maxBatchEvents, Duration kafkaTimeout,
                           double rateLimitPerSecond, double rateLimitFailedAuthPerAddress,
                           String compression, String adminBind, int adminPort) {

    public IngestConfig {
        writeKeys = Map.copyOf(writeKeys);
        if (writeKeys.isEmpty()) {
            throw new ConfigException("no write keys: set SLUICE_WRITE_KEYS=writeKey=projectId,... "
                    + "or SLUICE_WRITE_KEYS_FILE");
        }
        if (maxEventBytes > maxRequestBytes) {
            throw new ConfigException("SLUICE_MAX_EVENT_BYTES (" + maxEventBytes
                    + ") must not exceed SLUICE_MAX_REQUEST_BYTES (" + maxRequestBytes + ")");
        }
        if (kafkaTimeout.isZero()) {
            throw new ConfigException("SLUICE_INGEST_KAFKA_TIMEOUT must be positive");
        }
        if (!java.util.Set.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
            throw new ConfigException("SLUICE_INGEST_COMPRESSION=" + compression
                    + ": expected one of none, gzip, snappy, lz4, zstd");
        }
    }

    public static IngestConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        return new IngestConfig(
                KafkaSettings.fromEnv(r),
                r.integer("SLUICE_INGEST_PORT", 8080, 0, 65535),
                r.pairs("SLUICE_WRITE_KEYS", "SLUICE_WRITE_KEYS_FILE"),
                r.integer("SLUICE_MAX_EVENT_BYTES", 32 * 1024, 1, 1_000_000),
                r.integer("SLUICE_MAX_REQUEST_BYTES", 500 * 1024, 1, 900_000),
                r.integer("SLUICE_MAX_BATCH_EVENTS", 2500, 1, 100_000),
                r.duration("SLUICE_INGEST_KAFKA_TIMEOUT", Duration.ofSeconds(10)),
                r.decimal("SLUICE_RATE_LIMIT_PER_PROJECT", 0, 0),
                r.decimal("SLUICE_RATE_LIMIT_FAILED_AUTH_PER_ADDRESS", 10, 0),
                r.string("SLUICE_INGEST_COMPRESSION", "lz4"),
                r.string("SLUICE_ADMIN_BIND", AdminServer.DEFAULT_BIND),
                r.integer("SLUICE_ADMIN_PORT", 9100, 0, 65535));
    }
}
