package dev.sluice.sink.firehose;

import dev.sluice.sink.BatchLimits;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.FirehoseClientBuilder;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Delivers events with {@code PutRecordBatch}: one call per delivery stream, each event a
 * newline-terminated JSON record (or several packed into one), failures classified per record.
 */
public final class FirehoseSink implements Sink {

    /**
     * 500 records and 4 MiB a call; each event costs one byte more for its newline. A 50 ms linger: at half
     * the pipeline's capacity it cut the sink's wait from 94 to 52 ms p50 (209 to 64 p99) for 1.6 times the
     * calls; Firehose bills bytes, not calls. Shorter ones multiplied the calls of retries (BENCHMARKS.md).
     */
    static final BatchLimits LIMITS = new BatchLimits(500, 4L * 1024 * 1024 - 500,
            FirehoseConfig.MAX_RECORD_BYTES - 1, Duration.ofMillis(50));

    private static final Set<String> THROTTLING_CODES = Set.of("ServiceUnavailableException",
            "LimitExceededException", "ThrottlingException");

    /**
     * Credentials and clocks that Firehose refused: expired tokens during a rotation, a clock skewed
     * past the signature's window. They get fixed from outside (a refreshed token, NTP), so records
     * wait and retry like any transient failure, bounded by the runtime's park time and maximum age,
     * instead of all traffic going to the DLQ; each such call is logged and counted, loudly.
     */
    static final Set<String> CREDENTIAL_CODES = Set.of("ExpiredTokenException", "ExpiredToken",
            "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException",
            "SignatureDoesNotMatch", "IncompleteSignatureException", "RequestExpired", "RequestTimeTooSkewed",
            "MissingAuthenticationTokenException");

    private static final Logger LOG = LoggerFactory.getLogger(FirehoseSink.class);

    private final FirehoseConfig config;
    private final FirehoseClient client;
    private final MeterRegistry registry;

    public FirehoseSink(FirehoseConfig config, FirehoseClient client) {
        this(config, client, new SimpleMeterRegistry());
    }

    /** @param registry where {@code sluice_firehose_credential_errors_total{code}} is counted */
    public FirehoseSink(FirehoseConfig config, FirehoseClient client, MeterRegistry registry) {
        this.config = config;
        this.client = client;
        this.registry = registry;
    }

    /** The real AWS SDK client for this configuration; retries are sink-core's, so the SDK makes one attempt. */
    public static FirehoseClient client(FirehoseConfig config) {
        FirehoseClientBuilder b = FirehoseClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(config.callTimeout()).build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(config.callTimeout()));
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        if (config.region() != null) {
            b.region(Region.of(config.region()));
        }
        if (config.accessKeyId() != null && config.secretAccessKey() != null) {
            b.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        try {
            return b.build();
        } catch (SdkClientException e) {
            throw new dev.sluice.runtime.EnvReader.ConfigException("cannot set up the Firehose client (set AWS_REGION "
                    + "and credentials, or SLUICE_FIREHOSE_ENDPOINT): " + e.getMessage());
        }
    }

    @Override
    public BatchLimits limits() {
        return LIMITS;
    }

    /**
     * Firehose takes concurrent PutRecordBatch calls on one stream (its limits are records and bytes a
     * second) and promises no order within what it writes to S3 or Redshift, so partitions are not kept apart.
     */
    @Override
    public int maxCallsInFlight() {
        return 4;
    }

    @Override
    public boolean keepsPartitionOrder() {
        return false;
    }

    @Override
    public List<Delivery> deliver(List<SinkRecord> batch, Instant deadline) {
        Delivery[] results = new Delivery[batch.size()];
        Map<String, List<Integer>> byStream = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            String stream = config.streamFor(batch.get(i).project());
            if (stream == null) {
                results[i] = Delivery.permanentFailure("no_stream", "no Firehose stream for project '"
                        + batch.get(i).project() + "' and no SLUICE_FIREHOSE_DEFAULT_STREAM");
            } else {
                byStream.computeIfAbsent(stream, s -> new ArrayList<>()).add(i);
            }
        }
        byStream.forEach((stream, indexes) -> put(stream, indexes, batch, results, deadline));
        return Arrays.asList(results);
    }

    /** One PutRecordBatch for one stream; {@code parts.get(k)} lists the batch indexes inside record k. */
    private void put(String stream, List<Integer> indexes, List<SinkRecord> batch, Delivery[] results,
                     Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.toMillis() < 1) {
            Delivery late = Delivery.transientFailure("deadline_exceeded", "not sent: the delivery deadline passed "
                    + "during earlier streams' calls");
            indexes.forEach(i -> results[i] = late);
            return;
        }
        Duration timeout = left.compareTo(config.callTimeout()) < 0 ? left : config.callTimeout();
        List<List<Integer>> parts = pack(indexes, batch);
        List<Record> records = new ArrayList<>(parts.size());
        for (List<Integer> part : parts) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (int i : part) {
                data.writeBytes(batch.get(i).value());
                data.write('\n');
            }
            records.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(data.toByteArray())).build());
        }
        try {
            PutRecordBatchResponse response = client.putRecordBatch(b -> b.deliveryStreamName(stream).records(records)
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout)));
            List<PutRecordBatchResponseEntry> entries = response.requestResponses();
            for (int k = 0; k < parts.size(); k++) {
                PutRecordBatchResponseEntry e = k < entries.size() ? entries.get(k) : null;
                Delivery d = e == null ? Delivery.transientFailure("missing_response", "no response entry for the record")
                        : e.errorCode() == null ? Delivery.delivered() : recordFailure(e);
                parts.get(k).forEach(i -> results[i] = d);
            }
        } catch (AwsServiceException e) {
            Delivery d = classify(e);
            if (CREDENTIAL_CODES.contains(d.code())) {
                LOG.warn("event=firehose_credentials_refused stream={} code={} records={} hint=\"refresh the AWS "
                        + "credentials or fix the clock; records are retried, not dead-lettered\"", stream, d.code(),
                        indexes.size());
                Counter.builder("sluice.firehose.credential.errors")
                        .description("PutRecordBatch calls refused for credentials or clock skew")
                        .tag("code", d.code()).register(registry).increment();
            }
            indexes.forEach(i -> results[i] = d);
        } catch (SdkClientException e) {
            Delivery d = Delivery.transientFailure("client_error", e.getMessage());
            indexes.forEach(i -> results[i] = d);
        }
    }

    /** Firehose answers a record it had no room for with ServiceUnavailableException: that is throttling. */
    static Delivery recordFailure(PutRecordBatchResponseEntry e) {
        return THROTTLING_CODES.contains(e.errorCode()) ? Delivery.throttled(e.errorCode(), e.errorMessage(), null)
                : Delivery.transientFailure(e.errorCode(), e.errorMessage());
    }

    /**
     * Throttling, server faults and refused credentials pass; a missing stream, bad argument or denied
     * access never will.
     */
    static Delivery classify(AwsServiceException e) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "http_" + e.statusCode() : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
        if (e.isThrottlingException() || e.statusCode() == 429 || THROTTLING_CODES.contains(code)) {
            return Delivery.throttled(code, message, null);
        }
        if (e.statusCode() >= 500 || e.statusCode() == 408 || CREDENTIAL_CODES.contains(code)) {
            return Delivery.transientFailure(code, message);
        }
        return Delivery.permanentFailure(code, message);
    }

    /** Without packing, one record per event; with it, consecutive events up to {@code packBytes} share one. */
    private List<List<Integer>> pack(List<Integer> indexes, List<SinkRecord> batch) {
        List<List<Integer>> parts = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long size = 0;
        for (int i : indexes) {
            int len = batch.get(i).value().length + 1;
            if (!current.isEmpty() && (config.packBytes() == 0 || size + len > config.packBytes())) {
                parts.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(i);
            size += len;
        }
        if (!current.isEmpty()) {
            parts.add(current);
        }
        return parts;
    }

    @Override
    public void close() {
        client.close();
    }
}
