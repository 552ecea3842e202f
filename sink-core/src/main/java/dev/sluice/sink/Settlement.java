package dev.sluice.sink;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to records after an attempt, as {@link RetryRules} decide: settled, retried later in
 * place, or written to the retry topic or DLQ and settled only once Kafka acknowledged that write.
 */
final class Settlement {

    private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);

    private final RetryRules rules;
    private final RecordParker parker;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final String sinkName;

    Settlement(RetryRules rules, RecordParker parker, SinkMetrics metrics, Clock clock, String sinkName) {
        this.rules = rules;
        this.parker = parker;
        this.metrics = metrics;
        this.clock = clock;
        this.sinkName = sinkName;
    }

    /** Records that can never fit in a call go straight to the DLQ. */
    void tooLarge(List<PendingRecord> records, int maxRecordBytes) {
        for (PendingRecord p : records) {
            p.failed(clock.instant());
            parker.deadLetter(p, "record_too_large", "record of " + p.size() + " bytes exceeds the "
                    + sinkName + " limit of " + maxRecordBytes + " bytes");
        }
        settleAfterFlush(records, List.of(), records);
    }

    /** Applies the retry rule to each record of a batch after its delivery call. */
    void settle(List<PendingRecord> batch, List<Delivery> results) {
        Instant now = clock.instant();
        List<PendingRecord> parked = new ArrayList<>();
        List<PendingRecord> dead = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            PendingRecord p = batch.get(i);
            RetryDecision d = rules.decide(p, results.get(i), now);
            String project = p.record.key();
            switch (d.kind()) {
                case SETTLED -> {
                    metrics.record(project, "delivered");
                    metrics.latency(project, p.record.timestamp());
                    p.settle();
                }
                case DISCARD -> {
                    metrics.record(project, "discarded");
                    metrics.discarded(d.code());
                    LOG.debug("event=discarded sink={} code={} reason=\"{}\"", sinkName, d.code(), d.reason());
                    p.settle();
                }
                case RETRY -> {
                    p.failed(now);
                    p.notBeforeMillis = d.at().toEpochMilli();
                    p.readySinceMillis = p.notBeforeMillis;
                    metrics.record(project, "retried");
                }
                case PARK -> {
                    p.failed(now);
                    parker.park(p, d.code(), d.reason(), d.at());
                    parked.add(p);
                }
                case DEAD_LETTER -> {
                    p.failed(now);
                    parker.deadLetter(p, d.code(), d.reason());
                    dead.add(p);
                }
            }
        }
        if (!parked.isEmpty() || !dead.isEmpty()) {
            List<PendingRecord> both = new ArrayList<>(parked);
            both.addAll(dead);
            settleAfterFlush(both, parked, dead);
        }
    }

    /** Marks records settled once the parker's writes are acknowledged; if they fail, they are tried again soon. */
    private void settleAfterFlush(List<PendingRecord> records, List<PendingRecord> parked, List<PendingRecord> dead) {
        try {
            parker.flush();
        } catch (Exception e) {
            LOG.warn("event=park_failed sink={} records={} error=\"{}\"", sinkName, records.size(),
                    e.toString());
            long retryAt = clock.millis() + 1000;
            for (PendingRecord p : records) {
                p.notBeforeMillis = retryAt;
                p.readySinceMillis = retryAt;
            }
            return;
        }
        parked.forEach(p -> metrics.record(p.record.key(), "parked"));
        dead.forEach(p -> metrics.record(p.record.key(), "dead_lettered"));
        records.forEach(PendingRecord::settle);
        if (!parked.isEmpty()) {
            LOG.info("event=parked sink={} records={} topic={}", sinkName, parked.size(), parker.retryTopic());
        }
        if (!dead.isEmpty()) {
            LOG.warn("event=dead_lettered sink={} records={} topic={}", sinkName, dead.size(),
                    parker.dlqTopic());
        }
    }

}
