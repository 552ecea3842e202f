package dev.sluice.sink;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import dev.sluice.runtime.TopicCreator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * For benchmarks: writes router-shaped events into the typed topics at a steady rate, each stamped
 * (record timestamp and {@code properties.sentMs}) with when it was written, so a stand-in can tell
 * each event's delay from ingest receipt to acceptance.
 */
public final class PacedEventWriter implements AutoCloseable {

    private static final Pattern SENT = Pattern.compile("\"sentMs\":(\\d+)");

    private final AtomicLong written = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public PacedEventWriter(String bootstrap, Topics topics, int perSecond, String... projects) {
        new TopicCreator(bootstrap, 2, 1).ensure(topics.allEventTopics(), Duration.ofSeconds(10));
        thread = new Thread(() -> write(bootstrap, topics, perSecond, projects), "paced-writer");
        thread.start();
    }

    private void write(String bootstrap, Topics topics, int perSecond, String[] projects) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            long start = System.currentTimeMillis();
            int i = 0;
            while (running) {
                long due = start + (long) i * 1000 / perSecond;
                long now = System.currentTimeMillis();
                if (due > now) {
                    sleep(Math.min(due - now, 5));
                    continue;
                }
                String project = projects[i % projects.length];
                EventType type = EventType.values()[i % 6];
                String id = topics.prefix() + "paced-" + i;
                String json = "{\"type\":\"" + type.wireName() + "\",\"messageId\":\"" + id + "\",\"userId\":\"u" + i
                        + "\",\"event\":\"E\",\"groupId\":\"g\",\"previousId\":\"p\",\"projectId\":\"" + project
                        + "\",\"timestamp\":\"2026-03-01T12:00:05.000Z\",\"properties\":{\"i\":" + i
                        + ",\"sentMs\":" + now + "}}";
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.events(type), null, now, project,
                        json.getBytes(StandardCharsets.UTF_8));
                EventHeaders.put(r.headers(), EventHeaders.TYPE, type.wireName());
                EventHeaders.put(r.headers(), EventHeaders.MESSAGE_ID, id);
                p.send(r);
                written.incrementAndGet();
                i++;
            }
        }
    }

    public long written() {
        return written.get();
    }

    /** When the event was written ({@code properties.sentMs}), or -1 for an event not from this writer. */
    public static long sentMillis(String eventJson) {
        Matcher m = SENT.matcher(eventJson);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The q-quantile (0..1) of the values, or 0 when there are none. */
    public static long quantile(List<Long> values, double q) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops writing; every event counted by {@link #written()} has been acknowledged when this returns. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
