package dev.sluice.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.model.EventHeaders;
import dev.sluice.sink.Delivery.Outcome;
import dev.sluice.sink.Delivery;
import dev.sluice.sink.SinkRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** One WebhookSink against a local receiver, without Kafka: requests, refusals, the deadline. */
class WebhookSinkTest {

    private static Endpoint endpoint(WebhookReceiver r, Endpoint.Mode mode, EndpointFilter filter, String secret) {
        return new Endpoint("t", URI.create(r.url()), filter, mode, 10, 64 * 1024, Duration.ofSeconds(10), secret,
                Map.of("Authorization", "Bearer t0ken"));
    }

    private static SinkRecord record(String id, String project, String type, String extra) {
        RecordHeaders h = new RecordHeaders();
        EventHeaders.put(h, EventHeaders.MESSAGE_ID, id);
        return new SinkRecord(project, type, ("{\"type\":\"" + type + "\",\"messageId\":\"" + id + "\"" + extra + "}")
                .getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(), h);
    }

    @Test
    void aBatchIsOneSignedRequestWithTheEndpointsHeaders() throws Exception {
        try (WebhookReceiver r = new WebhookReceiver()) {
            r.secret = "k";
            WebhookSink sink = new WebhookSink(endpoint(r, Endpoint.Mode.BATCH, EndpointFilter.ALL, "k"));
            List<SinkRecord> batch = IntStream.range(0, 6).mapToObj(i -> record("m-" + i, "p", "track", "")).toList();
            List<Delivery> out = sink.deliver(batch, Instant.now().plusSeconds(10));
            assertThat(out).extracting(Delivery::outcome).containsOnly(Outcome.DELIVERED).hasSize(6);
            assertThat(r.calls.get()).isEqualTo(1);
            assertThat(r.messageIds()).hasSize(6);
            assertThat(r.authorizations).containsExactly("Bearer t0ken");
            assertThat(r.badSignatures.get()).isZero();
            assertThat(r.badIdempotencyKeys.get()).isZero();
            assertThat(WebhookSink.batchKey(List.of("a", "b"))).isNotEqualTo(WebhookSink.batchKey(List.of("b", "a")))
                    .isEqualTo(WebhookSink.batchKey(List.of("a", "b")));
        }
    }

    @Test
    void aRefusedEventIsIsolatedFromItsBatchAndFilteredEventsAreDiscarded() throws Exception {
        try (WebhookReceiver r = new WebhookReceiver()) {
            r.refuseMarked = true;
            WebhookSink sink = new WebhookSink(endpoint(r, Endpoint.Mode.BATCH,
                    new EndpointFilter(Set.of(), Set.of(), Set.of("Buy")), null));
            List<SinkRecord> batch = List.of(record("m-0", "p", "track", ",\"event\":\"Buy\""),
                    record("m-1", "p", "track", ",\"event\":\"Buy\",\"properties\":{\"marked\":true}"),
                    record("m-2", "p", "identify", ""),
                    record("m-3", "p", "track", ",\"event\":\"Buy\""),
                    record("m-4", "p", "track", ",\"event\":\"Browse\""));
            List<Delivery> out = sink.deliver(batch, Instant.now().plusSeconds(10));
            assertThat(out).extracting(Delivery::outcome).containsExactly(Outcome.DELIVERED, Outcome.PERMANENT,
                    Outcome.DISCARDED, Outcome.DELIVERED, Outcome.DISCARDED);
            assertThat(out.get(1).reason()).contains("refused marked event m-1");
            assertThat(out.get(2).code()).isEqualTo("filtered");
            assertThat(r.messageIds()).containsExactlyInAnyOrder("m-0", "m-3");
        }
    }

    @Test
    void aSlowEndpointIsLeftAtTheDeadlineWithTheEventsToRetry() throws Exception {
        try (WebhookReceiver r = new WebhookReceiver()) {
            r.delayMillis = 8000;
            for (Endpoint.Mode mode : Endpoint.Mode.values()) {
                WebhookSink sink = new WebhookSink(endpoint(r, mode, EndpointFilter.ALL, null));
                long t0 = System.nanoTime();
                List<Delivery> out = sink.deliver(List.of(record("s-1", "p", "track", ""),
                        record("s-2", "p", "track", "")), Instant.now().plusMillis(1000));
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                // back well before the endpoint would have answered, nothing settled
                assertThat(tookMs).as(mode.name()).isLessThan(6000);
                assertThat(out).extracting(Delivery::outcome).containsOnly(Outcome.TRANSIENT).hasSize(2);
            }
        }
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        try (WebhookReceiver r = new WebhookReceiver()) {
            r.state(WebhookReceiver.State.REFUSING_CONNECTIONS);
            WebhookSink sink = new WebhookSink(endpoint(r, Endpoint.Mode.SINGLE, EndpointFilter.ALL, null));
            List<Delivery> out = sink.deliver(List.of(record("c-1", "p", "track", "")), Instant.now().plusSeconds(5));
            assertThat(out).singleElement().satisfies(d -> {
                assertThat(d.outcome()).isEqualTo(Outcome.TRANSIENT);
                assertThat(d.code()).isEqualTo("network_error");
            });
        }
    }
}
