package dev.sluice.router;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Not a test: CPU time per event of the router's split, validation and enrichment alone, the
 * streaming {@link EnvelopeScanner} against the tree path it replaced (kept in
 * {@link EnvelopeScannerDifferentialTest}), alternating in one JVM on RouterBenchmark's envelopes. See
 * BENCHMARKS.md.
 */
public final class EnvelopeScanBenchmark {

    public static void main(String[] args) {
        byte[][] envelopes = new byte[200][];
        for (int i = 0; i < envelopes.length; i++) {
            envelopes[i] = RouterBenchmark.envelope("project-1", i * 100, Instant.parse("2026-01-01T00:00:00Z"));
        }
        EnvelopeScanner scanner = new EnvelopeScanner(32 * 1024);
        for (int pair = 1; pair <= 3; pair++) {
            double tree = cpuPerEvent(envelopes, raw -> EnvelopeScannerDifferentialTest.treePath(raw));
            double streaming = cpuPerEvent(envelopes, raw -> scanner.scan(raw, "ingest.raw/0/1").events());
            System.out.printf("pair %d: tree path %.2f us CPU per event, streaming %.2f us%n", pair, tree / 1000,
                    streaming / 1000);
        }
    }

    /** 20 rounds over the envelopes to warm up, then 80 timed: CPU nanoseconds of this thread per event. */
    private static double cpuPerEvent(byte[][] envelopes, Function<byte[], List<EnvelopeScanner.Outcome>> split) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long events = 0;
        long start = 0;
        for (int round = 0; round < 100; round++) {
            if (round == 20) {
                start = threads.getCurrentThreadCpuTime();
                events = 0;
            }
            for (byte[] e : envelopes) {
                events += split.apply(e).size();
            }
        }
        return (threads.getCurrentThreadCpuTime() - start) / (double) events;
    }
}
