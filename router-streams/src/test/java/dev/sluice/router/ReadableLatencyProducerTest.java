package dev.sluice.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The router's latency is taken when a transaction commits, for the typed events it carried only. */
class ReadableLatencyProducerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MockProducer<byte[], byte[]> kafka = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final AtomicLong now = new AtomicLong(10_000);
    private final ReadableLatencyProducer producer = new ReadableLatencyProducer(kafka, Set.of("events.track"),
            new RouterMetrics(registry), now::get);

    private void send(String topic, long timestamp) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, null, new byte[0]));
    }

    private Timer latency() {
        return registry.get("sluice.router.latency").timer();
    }

    @Test
    void eachTypedEventOfACommittedTransactionIsTimedFromItsTimestampToTheCommit() {
        producer.initTransactions();
        producer.beginTransaction();
        send("events.track", 9_000);
        send("events.track", 9_500);
        send("events.rejected", 9_000);
        send("router-dedup-changelog", 9_000);
        now.set(10_200);
        assertThat(latency().count()).as("nothing is readable before the commit").isZero();
        producer.commitTransaction();

        assertThat(latency().count()).isEqualTo(2);
        assertThat(latency().max(TimeUnit.MILLISECONDS)).isEqualTo(1_200);
        assertThat(latency().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1_200 + 700);
    }

    @Test
    void anAbortedTransactionsEventsAreNeverTimed() {
        producer.initTransactions();
        producer.beginTransaction();
        for (int i = 0; i < 3000; i++) {
            send("events.track", 9_000);
        }
        producer.abortTransaction();
        producer.beginTransaction();
        send("events.track", 9_900);
        producer.commitTransaction();

        assertThat(latency().count()).isEqualTo(1);
        assertThat(latency().max(TimeUnit.MILLISECONDS)).isEqualTo(100);
        assertThat(kafka.history()).hasSize(1);
    }
}
