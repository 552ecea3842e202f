package dev.sluice.sink;

import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** A polled record not yet settled: its failures so far and when it may be tried again. */
final class PendingRecord {

    /** The polled record; dropped once settled, when only its offset still matters. */
    ConsumerRecord<String, byte[]> record;
    final long offset;
    final TopicPartition partition;
    final boolean fromRetryTopic;
    /** Attempts in all, carried through the retry topic. */
    int attempts;
    /** Failed attempts since this record was last read (from its source or the retry topic). */
    int roundAttempts;
    int parkings;
    /** First failure ever (for the maximum age), carried through the retry topic. */
    Instant firstFailure;
    /** First failure since this record was last read (for the time it may keep failing in place). */
    Instant roundStart;
    long notBeforeMillis;
    long readySinceMillis;
    boolean settled;
    /** In a delivery call that has not answered yet. */
    boolean inFlight;

    PendingRecord(ConsumerRecord<String, byte[]> record, boolean fromRetryTopic, long nowMillis) {
        this.record = record;
        this.offset = record.offset();
        this.partition = new TopicPartition(record.topic(), record.partition());
        this.fromRetryTopic = fromRetryTopic;
        this.readySinceMillis = nowMillis;
    }

    boolean readyAt(long nowMillis) {
        return !settled && !inFlight && notBeforeMillis <= nowMillis;
    }

    int size() {
        return record.value() == null ? 0 : record.value().length;
    }

    /** Delivered, or durably parked or dead-lettered: its offset may be committed; its bytes are let go. */
    void settle() {
        settled = true;
        record = null;
    }

    /** Counts a failed attempt at {@code now}. */
    void failed(Instant now) {
        attempts++;
        roundAttempts++;
        if (firstFailure == null) {
            firstFailure = now;
        }
        if (roundStart == null) {
            roundStart = now;
        }
    }
}
