package dev.sluice.sink.firehose;

import dev.sluice.model.Topics;
import dev.sluice.sink.AcceptanceSpan;
import dev.sluice.sink.PacedEventWriter;
import dev.sluice.sink.SinkService;
import dev.sluice.sink.SinkTestTopics;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TopicProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Not a test: sink-firehose against the stand-in with 0, 10 and 20 % of records failing inside HTTP
 * 200s, and through a 30-second outage, one broker, one run. Per case: the rate at which it drains a
 * backlog, the delay from ingest receipt to acceptance of events written at a steady rate, and how
 * many records it parked. The runtime's defaults throughout (200 ms … 5 s backoff, park after 1 min).
 * See BENCHMARKS.md.
 */
public final class FirehoseBenchmark {

    private static final String[] PROJECTS = {"project-a", "project-b", "project-c"};

    public static void main(String[] args) throws Exception {
        int backlog = Integer.getInteger("bench.events", 100_000);
        int rate = Integer.getInteger("bench.rate", 2_000);
        int seconds = Integer.getInteger("bench.seconds", 20);
        System.out.printf("backlog %,d events; steady load %,d events/s for %d s; 6 typed topics x 2 partitions; "
                + "%d cores%n", backlog, rate, seconds, Runtime.getRuntime().availableProcessors());
        System.out.println("| case | drain events/s | vs no faults | PutRecordBatch calls | p50 latency | p99 latency "
                + "| max latency | parked |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        double noFault = 0;
        for (double failures : new double[] {0.0, 0.10, 0.20}) {
            long[] drain = drain(backlog, failures);
            double drainRate = backlog / (drain[0] / 1000.0);
            if (failures == 0) {
                noFault = drainRate;
            }
            long[] steady = steady(rate, seconds, failures, -1, -1);
            System.out.printf("| %2.0f %% of records failing | %,.0f | %.2f | %,d | %,d ms | %,d ms | %,d ms | %d |%n",
                    failures * 100, drainRate, drainRate / noFault, drain[1], steady[0], steady[1], steady[2],
                    drain[2] + steady[3]);
        }
        int outageSeconds = Integer.getInteger("bench.outage", 30);
        long[] outage = steady(rate, outageSeconds + 30, 0, 10, 10 + outageSeconds);
        System.out.printf("| %d s outage (503 for every call) | %,d after it | %.2f | | %,d ms | %,d ms | %,d ms | %d |%n",
                outageSeconds, outage[4], outage[4] / noFault, outage[0], outage[1], outage[2], outage[3]);
        System.out.printf("outage: first call accepted %,d ms after the stand-in was back (the sink probes a down "
                + "destination at most every 5 s); drain rate from then until the backlog was gone%n", outage[5]);
        System.exit(0);
    }

    /** Delivers a backlog; returns {millis from the first acceptance to the last, calls, parked}. */
    static long[] drain(int n, double failures) throws Exception {
        Topics topics = TypedEvents.newTopics();
        TypedEvents.write(topics, n, PROJECTS);
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default")) {
            firehose.partialFailureRate = failures;
            try (SinkService sink = FirehoseSinkTest.start(env(topics, firehose), null)) {
                SinkTestTopics.awaitCommitted("sluice-sink-firehose", topics, n, 50);
            }
            return new long[] {AcceptanceSpan.of(firehose.accepted, FirehoseStandIn.Accepted::atMillis).millis(),
                    firehose.calls.get(), parked(topics)};
        }
    }

    /**
     * Events written at {@code rate} for {@code seconds} while the sink runs, the stand-in down from
     * {@code downFrom} to {@code downTo} seconds in (or never); returns {p50, p99, max, parked, drain
     * rate after the outage, ms until the first call accepted after it}.
     */
    static long[] steady(int rate, int seconds, double failures, int downFrom, int downTo) throws Exception {
        Topics topics = TypedEvents.newTopics();
        try (FirehoseStandIn firehose = new FirehoseStandIn("stream-a", "stream-b", "stream-default");
             SinkService sink = FirehoseSinkTest.start(env(topics, firehose), null)) {
            firehose.partialFailureRate = failures;
            long written;
            long upAt = -1;
            long writtenWhenUp = 0;
            try (PacedEventWriter writer = new PacedEventWriter(SharedKafka.bootstrapServers(), topics, rate, PROJECTS)) {
                long t0 = System.currentTimeMillis();
                while (System.currentTimeMillis() - t0 < seconds * 1000L) {
                    long s = (System.currentTimeMillis() - t0) / 1000;
                    if (s >= downFrom && s < downTo && !firehose.down) {
                        firehose.down = true;
                    } else if (s >= downTo && firehose.down) {
                        firehose.down = false;
                        upAt = System.currentTimeMillis();
                        writtenWhenUp = writer.written();
                    }
                    Thread.sleep(20);
                }
            }
            while (SinkTestTopics.committed("sluice-sink-firehose", topics) < (written = SinkTestTopics.written(topics))) {
                Thread.sleep(20);
            }
            List<Long> delays = new ArrayList<>();
            List<Long> acceptedAt = new ArrayList<>();
            for (FirehoseStandIn.Accepted a : firehose.accepted) {
                acceptedAt.add(a.atMillis());
                for (String line : a.data().split("\n")) {
                    long sent = PacedEventWriter.sentMillis(line);
                    if (sent > 0) {
                        delays.add(a.atMillis() - sent);
                    }
                }
            }
            if (delays.size() < written) {
                throw new IllegalStateException("accepted " + delays.size() + " of " + written);
            }
            long drainRate = 0;
            long noticed = 0;
            if (upAt > 0) {
                // from the first call accepted after the outage until everything written before its end
                // was accepted; the wait for that first call (the sink's next probe) is reported apart
                acceptedAt.sort(null);
                long up = upAt;
                long firstAfter = acceptedAt.stream().filter(t -> t >= up).findFirst().orElseThrow();
                int before = (int) acceptedAt.stream().filter(t -> t < firstAfter).count();
                long caughtUp = acceptedAt.get((int) writtenWhenUp - 1);
                drainRate = (writtenWhenUp - before) * 1000 / Math.max(1, caughtUp - firstAfter);
                noticed = firstAfter - upAt;
            }
            return new long[] {PacedEventWriter.quantile(delays, 0.5), PacedEventWriter.quantile(delays, 0.99),
                    PacedEventWriter.quantile(delays, 1.0), parked(topics), drainRate, noticed};
        }
    }

    private static long parked(Topics topics) {
        return TopicProbe.count(SharedKafka.bootstrapServers(), topics.retry("sink-firehose"));
    }

    /** The runtime's defaults, not the tests' short delays. */
    private static Map<String, String> env(Topics topics, FirehoseStandIn firehose) {
        Map<String, String> env = FirehoseSinkTest.env(topics, firehose, Map.of());
        env.remove("SLUICE_SINK_BACKOFF_BASE");
        env.remove("SLUICE_SINK_BACKOFF_MAX");
        env.remove("SLUICE_SINK_RETRY_BASE");
        env.remove("SLUICE_SINK_RETRY_MAX_DELAY");
        return env;
    }
}
