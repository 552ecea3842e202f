package dev.sluice.sink;

import dev.sluice.model.DeliveryLogEntry.Event;
import dev.sluice.model.DeliveryLogEntry.Outcome;
import dev.sluice.model.EventHeaders;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to records after an attempt, as {@link RetryRules} decide: settled, retried later in
 * place, or written to the retry topic or DLQ and settled only once Kafka acknowledged that write. Each
 * outcome goes to the {@link DeliveryLog} when it is final for this attempt: a park or DLQ write once acknowledged.
 */
final class Settlement {

    private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);

    private final RetryRules rules;
    private final RecordParker parker;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final String sinkName;
    private final DeliveryLog log;

    Settlement(RetryRules rules, RecordParker parker, SinkMetrics metrics, Clock clock, String sinkName,
               DeliveryLog log) {
        this.log = log;
        this.rules = rules;
        this.parker = parker;
        this.metrics = metrics;
        this.clock = clock;
        this.sinkName = sinkName;
    }

    /** Records that can never fit in a call go straight to the DLQ. */
    void tooLarge(List<PendingRecord> records, int maxRecordBytes) {
        OutcomeGroups logged = log.enabled() ? new OutcomeGroups() : null;
        for (PendingRecord p : records) {
            p.failed(clock.instant());
            String reason = "record of " + p.size() + " bytes exceeds the " + sinkName + " limit of "
                    + maxRecordBytes + " bytes";
            parker.deadLetter(p, "record_too_large", reason);
            if (logged != null) {
                logged.add(Outcome.DEAD_LETTERED, "record_too_large", reason, 0, event(p, p.attempts));
            }
        }
        settleAfterFlush(records, List.of(), records, logged);
    }

    /** Applies the retry rule to each record of a batch after its delivery call. */
    void settle(List<PendingRecord> batch, List<Delivery> results) {
        Instant now = clock.instant();
        List<PendingRecord> parked = new ArrayList<>();
        List<PendingRecord> dead = new ArrayList<>();
        OutcomeGroups logged = log.enabled() ? new OutcomeGroups() : null;
        OutcomeGroups loggedAfterFlush = log.enabled() ? new OutcomeGroups() : null;
        for (int i = 0; i < batch.size(); i++) {
            PendingRecord p = batch.get(i);
            RetryDecision d = rules.decide(p, results.get(i), now);
            String project = p.record.key();
            switch (d.kind()) {
                case SETTLED -> {
                    metrics.record(project, "delivered");
                    metrics.latency(project, p.record.timestamp());
                    if (logged != null) {
                        logged.add(Outcome.DELIVERED, null, null, 0, event(p, p.attempts + 1));
                    }
                    p.settle();
                }
                case DISCARD -> {
                    metrics.record(project, "discarded");
                    metrics.discarded(d.code());
                    LOG.debug("event=discarded sink={} code={} reason=\"{}\"", sinkName, d.code(), d.reason());
                    if (logged != null) {
                        logged.add(Outcome.DISCARDED, d.code(), d.reason(), 0, event(p, p.attempts + 1));
                    }
                    p.settle();
                }
                case RETRY -> {
                    p.failed(now);
                    p.notBeforeMillis = d.at().toEpochMilli();
                    p.readySinceMillis = p.notBeforeMillis;
                    metrics.record(project, "retried");
                    if (logged != null) {
                        logged.add(Outcome.RETRYING, d.code(), d.reason(), p.notBeforeMillis, event(p, p.attempts));
                    }
                }
                case PARK -> {
                    p.failed(now);
                    parker.park(p, d.code(), d.reason(), d.at());
                    parked.add(p);
                    if (loggedAfterFlush != null) {
                        loggedAfterFlush.add(Outcome.PARKED, d.code(), d.reason(), d.at().toEpochMilli(),
                                event(p, p.attempts));
                    }
                }
                case DEAD_LETTER -> {
                    p.failed(now);
                    parker.deadLetter(p, d.code(), d.reason());
                    dead.add(p);
                    if (loggedAfterFlush != null) {
                        loggedAfterFlush.add(Outcome.DEAD_LETTERED, d.code(), d.reason(), 0, event(p, p.attempts));
                    }
                }
            }
        }
        if (logged != null) {
            log.write(logged, now.toEpochMilli());
        }
        if (!parked.isEmpty() || !dead.isEmpty()) {
            List<PendingRecord> both = new ArrayList<>(parked);
            both.addAll(dead);
            settleAfterFlush(both, parked, dead, loggedAfterFlush);
        }
    }

    /** The record as the delivery log shows it, from its key and headers only (the value is never parsed). */
    private static Event event(PendingRecord p, int attempts) {
        Headers h = p.record.headers();
        return new Event(EventHeaders.text(h, EventHeaders.MESSAGE_ID), p.record.key(),
                EventHeaders.text(h, EventHeaders.TYPE), p.record.timestamp(), attempts);
    }

    /**
     * Marks records settled once the parker's writes are acknowledged, and only then logs them as parked or
     * dead-lettered ({@code logged}); if the writes fail, the records are tried again soon.
     */
    private void settleAfterFlush(List<PendingRecord> records, List<PendingRecord> parked, List<PendingRecord> dead,
                                  OutcomeGroups logged) {
        try {
            parker.flush();
        } catch (Exception e) {
            LOG.warn("event=park_failed sink={} records={} error=\"{}\"", sinkName, records.size(),
                    e.toString());
            long retryAt = clock.millis() + 1000;
            OutcomeGroups retrying = log.enabled() ? new OutcomeGroups() : null;
            for (PendingRecord p : records) {
                p.notBeforeMillis = retryAt;
                p.readySinceMillis = retryAt;
                if (retrying != null) {
                    retrying.add(Outcome.RETRYING, "park_failed", "could not write to the retry topic or DLQ: "
                            + e, retryAt, event(p, p.attempts));
                }
            }
            if (retrying != null) {
                log.write(retrying, clock.millis());
            }
            return;
        }
        if (logged != null) {
            log.write(logged, clock.millis());
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
