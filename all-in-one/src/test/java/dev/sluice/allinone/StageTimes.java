package dev.sluice.allinone;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each event (by messageId) passed each stage of the pipeline, on this JVM's one clock
 * ({@link System#currentTimeMillis}), for {@link EndToEndLatencyBenchmark}.
 */
final class StageTimes {

    /** ingest's receivedAt as the destination got it in the event. */
    final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    /** ingest's receivedAt from the raw envelope: for events that never reached the destination, and as a check. */
    final Map<String, Long> envelopeReceivedAt = new ConcurrentHashMap<>();
    /** The raw record's Kafka timestamp (ingest's producer send time): where the sink's latency metric starts. */
    final Map<String, Long> rawRecordTimestamp = new ConcurrentHashMap<>();
    /** First seen by a read_committed consumer of the raw topic. */
    final Map<String, Long> rawReadable = new ConcurrentHashMap<>();
    /** First seen by a read_committed consumer of the typed event topics. */
    final Map<String, Long> typedReadable = new ConcurrentHashMap<>();
    /** First and last time the sink handed the event to the destination client ({@code Sink.deliver}). */
    final Map<String, Long> firstHanded = new ConcurrentHashMap<>();
    final Map<String, Long> lastHanded = new ConcurrentHashMap<>();
    /** When the destination (the Firehose stand-in) accepted the event. */
    final Map<String, Long> accepted = new ConcurrentHashMap<>();
    /** {@code deliver} calls and the events they carried (each try counted). */
    final AtomicLong deliverCalls = new AtomicLong();
    final AtomicLong handedEvents = new AtomicLong();
    /** {@code deliver} calls running now, and the most ever at once. */
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();
    /** Events the destination accepted more than once. */
    final AtomicLong duplicateAcceptances = new AtomicLong();

    static void first(Map<String, Long> stage, String messageId, long at) {
        stage.putIfAbsent(messageId, at);
    }

    void handed(String messageId, long at) {
        firstHanded.putIfAbsent(messageId, at);
        lastHanded.put(messageId, at);
    }
}
