package dev.sluice.sink;

import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A polled record not yet settled: its attempts so far and when it may be tried again. */
final class PendingRecord {

    final ConsumerRecord<String, byte[]> record;
    final boolean fromRetryTopic;
    int attempts;
    int parkings;
    Instant firstFailure;
    long notBeforeMillis;
    long readySinceMillis;
    boolean settled;

    PendingRecord(ConsumerRecord<String, byte[]> record, boolean fromRetryTopic, long nowMillis) {
        this.record = record;
        this.fromRetryTopic = fromRetryTopic;
        this.readySinceMillis = nowMillis;
    }

    boolean readyAt(long nowMillis) {
        return !settled && notBeforeMillis <= nowMillis;
    }

    int size() {
        return record.value() == null ? 0 : record.value().length;
    }
}
