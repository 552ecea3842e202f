package dev.sluice.allinone;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.sink.firehose.FirehosePlugin;
import dev.sluice.sink.firehose.FirehoseStandInAccess;
import dev.sluice.testsupport.TempDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.LoggerFactory;

/**
 * Not a test: where the time goes between ingest's {@code receivedAt} and the destination accepting an
 * event, per stage, on all-in-one (embedded broker, ingest, router, the Firehose sink against the
 * Firehose stand-in on loopback), for an SDK burst and a steady load, healthy and with 20 % of records
 * failing at the destination. See BENCHMARKS.md ("End to end latency") for the command.
 */
public final class EndToEndLatencyBenchmark {

    private static final String STREAM = "bench-events";
    private static final String WRITE_KEY = "dev-write-key";
    private static final String AUTH = "Basic "
            + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
    private static final List<String> ALL = List.of("burst", "steady", "burst-failing", "steady-failing");
    /** How long the stand-in takes to answer each call, like AWS from outside its region (0: loopback speed). */
    private static final long CALL_DELAY_MS = Long.getLong("bench.callDelayMs", 0);
    private static final double FAILING_RATE = Double.parseDouble(System.getProperty("bench.failingRate", "0.2"));
    private static final String SINK_LABEL = "sink=\"sink-firehose\"";

    private static final int BURST = Integer.getInteger("bench.burst", 3000);
    private static final int STEADY_SECONDS = Integer.getInteger("bench.steadySeconds", 20);
    private static final int STEADY_BATCH = Integer.getInteger("bench.steadyBatch", 20);
    /** Events a second for the steady scenarios; 0: half the capacity measured in this run. */
    private static final int STEADY_RATE = Integer.getInteger("bench.steadyRate", 0);
    private static final int CAPACITY_EVENTS = Integer.getInteger("bench.capacityEvents", 25_000);
    private static final int CAPACITY_CLIENTS = Integer.getInteger("bench.capacityClients", 8);
    private static final int SDK_FLUSH_AT = Integer.getInteger("bench.sdkFlushAt", 100);
    private static final int SDK_FLUSH_INTERVAL = Integer.getInteger("bench.sdkFlushInterval", 50);
    /** The burst script hands the SDK its events in ten steps over this many ms. */
    private static final int BURST_SPREAD = Integer.getInteger("bench.burstSpread", 500);
    /** Events sent through before anything is timed, so the first scenario does not pay for the JIT alone. */
    private static final int WARMUP_EVENTS = Integer.getInteger("bench.warmupEvents", 5000);
    /** Give up on a scenario's missing events after this long without any arriving. */
    private static final int STALL_SECONDS = Integer.getInteger("bench.stallSeconds", 60);

    private final AllInOne sluice;
    private final FirehoseStandInAccess firehose;
    private final StageTimes times;
    private final Path nodeModules;
    private final Path burstScript;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private int acceptedCursor;

    private EndToEndLatencyBenchmark(AllInOne sluice, FirehoseStandInAccess firehose, StageTimes times,
                                     Path nodeModules, Path burstScript) {
        this.sluice = sluice;
        this.firehose = firehose;
        this.times = times;
        this.nodeModules = nodeModules;
        this.burstScript = burstScript;
    }

    /** What a sender put on the wire: the messageIds the destination must get, and anything to say about it. */
    private record Sent(List<String> ids, long rejectedRequests, String note) {
    }

    /** The figures of one scenario that later scenarios need. */
    private record Outcome(double eventsPerSecond) {
    }

    private interface Sender {
        Sent send() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(System.getProperty("bench.logLevel", "WARN")));
        List<String> scenarios = Arrays.stream(System.getProperty("bench.scenarios", String.join(",", ALL)).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String s : scenarios) {
            if (!ALL.contains(s)) {
                throw new IllegalArgumentException("bench.scenarios: unknown scenario '" + s + "', known: " + ALL);
            }
        }
        Map<String, String> extraEnv = parseEnv(System.getProperty("bench.env", ""));
        Path nodeDir = Path.of(System.getProperty("bench.nodeDir", "all-in-one/target/e2e-node")).toAbsolutePath();
        Path script = Path.of(System.getProperty("bench.burstScript", "all-in-one/src/test/node/burst.js")).toAbsolutePath();
        if (scenarios.stream().anyMatch(s -> s.startsWith("burst"))) {
            installSdk(nodeDir);
        }

        StageTimes times = new StageTimes();
        Path data = Files.createTempDirectory("sluice-e2e-bench-");
        try (FirehoseStandInAccess firehose = new FirehoseStandInAccess(STREAM);
             AllInOne sluice = AllInOne.start(environment(data, firehose, extraEnv),
                     List.of(new TimedSinkPlugin(new FirehosePlugin(), times)));
             TopicWatcher raw = TopicWatcher.raw(sluice.bootstrapServers(), new Topics(Topics.DEFAULT_PREFIX).ingestRaw(), times);
             TopicWatcher typed = TopicWatcher.typed(sluice.bootstrapServers(),
                     new Topics(Topics.DEFAULT_PREFIX).allEventTopics(), times)) {
            firehose.callDelayMillis(CALL_DELAY_MS);
            System.out.printf("%d cores; all-in-one in process (embedded broker, ingest, router, sink-firehose -> "
                            + "Firehose stand-in on loopback, answering each call after %d ms); extra env: %s%nscenarios: %s; burst %,d events handed to the "
                            + "SDK over %d ms (flushAt %d, flushInterval %d ms); steady %d s in batches of %d%n",
                    Runtime.getRuntime().availableProcessors(), CALL_DELAY_MS, extraEnv.isEmpty() ? "none" : extraEnv, scenarios,
                    BURST, BURST_SPREAD, SDK_FLUSH_AT, SDK_FLUSH_INTERVAL, STEADY_SECONDS, STEADY_BATCH);
            EndToEndLatencyBenchmark bench = new EndToEndLatencyBenchmark(sluice, firehose, times,
                    nodeDir.resolve("node_modules"), script);
            bench.warmUp();
            double steadyRate = STEADY_RATE;
            if (steadyRate <= 0 && scenarios.stream().anyMatch(s -> s.startsWith("steady"))) {
                Outcome capacity = bench.scenario("capacity: " + CAPACITY_EVENTS + " events posted as fast as "
                        + CAPACITY_CLIENTS + " HTTP clients can (x100 a request)", 0, () -> bench.saturate(CAPACITY_EVENTS));
                steadyRate = capacity.eventsPerSecond() / 2;
                System.out.printf("capacity: %,.0f events/s (first receivedAt to last acceptance); steady load: %,.0f events/s%n",
                        capacity.eventsPerSecond(), steadyRate);
            }
            for (String s : scenarios) {
                double failures = s.endsWith("-failing") ? FAILING_RATE : 0;
                String health = failures > 0 ? String.format("%.0f %% of records failing at the destination", 100 * failures)
                        : "healthy destination";
                double rate = steadyRate;
                if (s.startsWith("burst")) {
                    bench.scenario(s + ": " + BURST + " events from analytics-node, " + health, failures,
                            () -> bench.sdkBurst(s, BURST));
                } else {
                    bench.scenario(String.format("%s: %,.0f events/s for %d s in batches of %d, %s", s, rate,
                            STEADY_SECONDS, STEADY_BATCH, health), failures, () -> bench.steady(s, rate, STEADY_SECONDS));
                }
            }
            if (raw.unreadable() + typed.unreadable() > 0) {
                System.out.printf("!! records without a readable messageId: raw %d, typed %d%n", raw.unreadable(),
                        typed.unreadable());
            }
        } finally {
            TempDirs.deleteRecursively(data);
        }
    }

    private static Map<String, String> environment(Path data, FirehoseStandInAccess firehose, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.ofEntries(Map.entry("SLUICE_DATA_DIR", data.toString()),
                Map.entry("SLUICE_KAFKA_PORT", "0"), Map.entry("SLUICE_INGEST_PORT", "0"),
                Map.entry("SLUICE_CONSOLE_PORT", "0"), Map.entry("SLUICE_ROUTER_ADMIN_PORT", "0"),
                Map.entry("SLUICE_INGEST_ADMIN_PORT", "0"), Map.entry("SINK_FIREHOSE__SLUICE_ADMIN_PORT", "0"),
                Map.entry("SLUICE_FIREHOSE_DEFAULT_STREAM", STREAM),
                Map.entry("SLUICE_FIREHOSE_ENDPOINT", firehose.endpoint()),
                Map.entry("AWS_REGION", "us-east-1"), Map.entry("AWS_ACCESS_KEY_ID", "x"),
                Map.entry("AWS_SECRET_ACCESS_KEY", "y")));
        env.putAll(extra);
        return env;
    }

    private static Map<String, String> parseEnv(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bench.env: expected K=V,K=V, got '" + pair + "'");
            }
            env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return env;
    }

    /** The SDK from npm, once per target directory (as docker/local/segment-sdk pins it). */
    private static void installSdk(Path nodeDir) throws IOException, InterruptedException {
        if (Files.isDirectory(nodeDir.resolve("node_modules/@segment/analytics-node"))) {
            return;
        }
        Files.createDirectories(nodeDir);
        Files.writeString(nodeDir.resolve("package.json"),
                "{\"private\":true,\"dependencies\":{\"@segment/analytics-node\":\"3.1.0\"}}\n");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent")
                .directory(nodeDir.toFile()).inheritIO().start();
        if (npm.waitFor() != 0) {
            throw new IllegalStateException("npm install @segment/analytics-node@3.1.0 failed in " + nodeDir);
        }
    }

    /**
     * Every type once, so every topic exists and every consumer has its partitions before anything is timed;
     * then {@link #WARMUP_EVENTS} more for the JIT.
     */
    private void warmUp() throws Exception {
        List<String> ids = new ArrayList<>();
        StringBuilder body = new StringBuilder("{\"batch\":[");
        String[] types = {"track", "identify", "page", "screen", "group", "alias"};
        for (int i = 0; i < types.length; i++) {
            String id = "warmup-" + i;
            ids.add(id);
            body.append(i > 0 ? "," : "").append("{\"type\":\"").append(types[i]).append("\",\"messageId\":\"")
                    .append(id).append("\",\"userId\":\"u\",\"event\":\"Warm\",\"groupId\":\"g\",\"previousId\":\"p\"}");
        }
        post(body.append("]}").toString());
        awaitAccepted(ids);
        awaitAccepted(saturate(WARMUP_EVENTS).ids());
        Thread.sleep(2000);
    }

    private Outcome scenario(String title, double failureRate, Sender sender) throws Exception {
        System.out.printf("%n== %s ==%n", title);
        int sinkPort = sluice.sinkAdminPort("sink-firehose");
        int routerPort = sluice.routerAdminPort();
        HistogramSnapshot sinkBefore = HistogramSnapshot.scrape(sinkPort, "sluice_sink_delivery_latency_seconds", SINK_LABEL);
        HistogramSnapshot routerBefore = HistogramSnapshot.scrape(routerPort, "sluice_router_latency_seconds", "");
        long callsBefore = times.deliverCalls.get();
        long handedBefore = times.handedEvents.get();
        long duplicatesBefore = times.duplicateAcceptances.get();
        times.mostInFlight.set(0);
        firehose.partialFailureRate(failureRate);
        Sent sent = sender.send();
        awaitAccepted(sent.ids());
        firehose.partialFailureRate(0);
        Thread.sleep(1500); // the sink settles (and records its latency) just after the destination answers
        HistogramSnapshot sinkDelta = HistogramSnapshot.scrape(sinkPort, "sluice_sink_delivery_latency_seconds", SINK_LABEL)
                .minus(sinkBefore);
        HistogramSnapshot routerDelta = HistogramSnapshot.scrape(routerPort, "sluice_router_latency_seconds", "")
                .minus(routerBefore);
        long calls = times.deliverCalls.get() - callsBefore;
        long handed = times.handedEvents.get() - handedBefore;
        return report(sent, calls, handed, times.duplicateAcceptances.get() - duplicatesBefore, sinkDelta, routerDelta);
    }

    private Outcome report(Sent sent, long calls, long handed, long duplicates, HistogramSnapshot sinkMetric,
                           HistogramSnapshot routerMetric) {
        List<String> ids = sent.ids();
        Map<String, Long> received = new HashMap<>();
        long receivedDisagree = 0;
        for (String id : ids) {
            Long atDestination = times.receivedAt.get(id);
            Long inEnvelope = times.envelopeReceivedAt.get(id);
            if (atDestination != null && inEnvelope != null && !atDestination.equals(inEnvelope)) {
                receivedDisagree++;
            }
            Long r = atDestination != null ? atDestination : inEnvelope;
            if (r != null) {
                received.put(id, r);
            }
        }
        long firstReceived = received.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long lastReceived = received.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long lastAccepted = ids.stream().map(times.accepted::get).filter(a -> a != null).mapToLong(Long::longValue)
                .max().orElse(0);
        System.out.printf("events %,d; arrived at ingest within %,d ms (first to last receivedAt)%s; HTTP non-2xx: %d%n",
                ids.size(), lastReceived - firstReceived, sent.note().isEmpty() ? "" : "; " + sent.note(),
                sent.rejectedRequests());
        System.out.printf("%-50s %8s %8s %8s %8s%n", "stage (ms)", "p50", "p99", "max", "events");
        Map<String, Long> missing = new LinkedHashMap<>();
        missing.put("receivedAt (neither the destination's copy nor the raw envelope)", count(ids, received));
        missing.put("readable in the raw topic", count(ids, times.rawReadable));
        missing.put("readable in a typed topic", count(ids, times.typedReadable));
        missing.put("handed to the destination client", count(ids, times.firstHanded));
        missing.put("accepted by the destination", count(ids, times.accepted));
        row("ingest (receivedAt -> raw readable)", ids, received, times.rawReadable);
        row("router (raw readable -> typed readable)", ids, times.rawReadable, times.typedReadable);
        row("sink wait (typed readable -> first handed)", ids, times.typedReadable, times.firstHanded);
        row("retries (first handed -> last handed)", ids, times.firstHanded, times.lastHanded);
        row("destination call (last handed -> accepted)", ids, times.lastHanded, times.accepted);
        long[] endToEnd = row("end to end (receivedAt -> accepted)", ids, received, times.accepted);
        row("  for the sink metric: receivedAt -> record time", ids, received, times.rawRecordTimestamp);
        long[] toTyped = row("  for the router metric: receivedAt -> typed", ids, received, times.typedReadable);
        if (Boolean.getBoolean("bench.timeline")) {
            timeline(ids, received, firstReceived);
        }
        System.out.printf("deliver() calls %,d carrying %,d events (tries included): %.1f a call, at most %d at once; "
                        + "accepted twice: %d%n", calls, handed, calls == 0 ? 0.0 : (double) handed / calls,
                times.mostInFlight.get(), duplicates);
        System.out.printf("metric sluice_sink_delivery_latency_seconds (record timestamp -> settled after acceptance): "
                        + "%,d events, p50 in %s ms, p99 in %s ms | benchmark end to end: p50 %d, p99 %d ms%n",
                sinkMetric.count(), sinkMetric.quantile(0.5), sinkMetric.quantile(0.99),
                percentile(endToEnd, 0.5), percentile(endToEnd, 0.99));
        System.out.printf("metric sluice_router_latency_seconds (record timestamp -> the router's transaction "
                        + "carrying it committed): %,d events, p50 in %s ms, p99 in %s ms | benchmark receivedAt -> typed "
                        + "readable: p50 %d, p99 %d ms%n",
                routerMetric.count(), routerMetric.quantile(0.5), routerMetric.quantile(0.99),
                percentile(toTyped, 0.5), percentile(toTyped, 0.99));
        missing.forEach((stage, n) -> {
            if (n > 0) {
                System.out.printf("!! MISSING: %,d of %,d events never %s%n", n, ids.size(), stage);
            }
        });
        if (receivedDisagree > 0) {
            System.out.printf("!! %,d events' receivedAt differs between the raw envelope and the destination%n",
                    receivedDisagree);
        }
        double seconds = (lastAccepted - firstReceived) / 1000.0;
        return new Outcome(seconds <= 0 ? 0 : (ids.size() - missing.get("accepted by the destination")) / seconds);
    }

    private static long count(List<String> ids, Map<String, Long> stage) {
        return ids.stream().filter(id -> !stage.containsKey(id)).count();
    }

    /** Prints p50/p99/max of {@code to - from} over the events that have both; returns the sorted durations. */
    private static long[] row(String stage, List<String> ids, Map<String, Long> from, Map<String, Long> to) {
        long[] d = ids.stream().filter(id -> from.containsKey(id) && to.containsKey(id))
                .mapToLong(id -> to.get(id) - from.get(id)).sorted().toArray();
        if (d.length == 0) {
            System.out.printf("%-50s %8s %8s %8s %8d%n", stage, "-", "-", "-", 0);
        } else {
            System.out.printf("%-50s %8d %8d %8d %8d%n", stage, percentile(d, 0.5), percentile(d, 0.99), d[d.length - 1],
                    d.length);
        }
        return d;
    }

    /** The slowest router and end-to-end times of the events that arrived in each second: when the tail happened. */
    private void timeline(List<String> ids, Map<String, Long> received, long firstReceived) {
        java.util.TreeMap<Long, long[]> bySecond = new java.util.TreeMap<>();
        for (String id : ids) {
            Long r = received.get(id);
            Long raw = times.rawReadable.get(id);
            Long typed = times.typedReadable.get(id);
            Long accepted = times.accepted.get(id);
            if (r == null || raw == null || typed == null || accepted == null) {
                continue;
            }
            long[] m = bySecond.computeIfAbsent((r - firstReceived) / 1000, k -> new long[2]);
            m[0] = Math.max(m[0], typed - raw);
            m[1] = Math.max(m[1], accepted - r);
        }
        StringBuilder b = new StringBuilder("slowest by second of arrival (router / end to end, ms):");
        bySecond.forEach((sec, m) -> b.append(' ').append(sec).append("s ").append(m[0]).append('/').append(m[1]));
        System.out.println(b);
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** Reads what the stand-in accepted until every id is there, or nothing new came for {@link #STALL_SECONDS}. */
    private void awaitAccepted(List<String> ids) throws InterruptedException {
        long lastProgress = System.currentTimeMillis();
        long missing = ids.size();
        while (true) {
            drainAccepted();
            long now = ids.stream().filter(id -> !times.accepted.containsKey(id)).count();
            if (now == 0) {
                return;
            }
            if (now < missing) {
                missing = now;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > STALL_SECONDS * 1000L) {
                System.out.printf("!! gave up waiting: %,d events not accepted after %d s without progress%n", now,
                        STALL_SECONDS);
                return;
            }
            Thread.sleep(100);
        }
    }

    private void drainAccepted() {
        List<FirehoseStandInAccess.AcceptedRecord> records = firehose.acceptedAfter(acceptedCursor);
        acceptedCursor += records.size();
        for (FirehoseStandInAccess.AcceptedRecord r : records) {
            for (String line : r.data().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event = SegmentJson.parse(line.getBytes(StandardCharsets.UTF_8));
                String id = event.path("messageId").asText();
                if (times.accepted.putIfAbsent(id, r.atMillis()) != null) {
                    times.duplicateAcceptances.incrementAndGet();
                }
                IsoInstant.parse(event.get("receivedAt")).ifPresent(at -> times.receivedAt.put(id, at.toEpochMilli()));
            }
        }
    }

    private Sent sdkBurst(String scenario, int count) throws Exception {
        String prefix = scenario + "-" + System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("node", burstScript.toString(), "http://localhost:" + sluice.ingestPort(),
                WRITE_KEY, Integer.toString(count), prefix, Integer.toString(SDK_FLUSH_AT),
                Integer.toString(SDK_FLUSH_INTERVAL), Integer.toString(BURST_SPREAD)).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_PATH", nodeModules.toString());
        Process node = pb.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = node.waitFor();
        List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
        return new Sent(ids, 0, exit == 0 ? "SDK: " + out : "!! SDK exited with " + exit + ": " + out);
    }

    /** {@code count} events in requests of 100, as fast as {@link #CAPACITY_CLIENTS} clients can send them. */
    private Sent saturate(int count) throws Exception {
        String prefix = "saturate-" + System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        AtomicLong rejected = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(CAPACITY_CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CAPACITY_CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int start = next.getAndAdd(100); start < count; start = next.getAndAdd(100)) {
                        if (post(batch(prefix, start, Math.min(count, start + 100))) / 100 != 2) {
                            rejected.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdown();
        }
        return new Sent(IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList(), rejected.get(), "");
    }

    /** Requests of {@link #STEADY_BATCH} events at evenly spaced times, as many SDKs flushing would. */
    private Sent steady(String scenario, double eventsPerSecond, int seconds) throws Exception {
        if (eventsPerSecond <= 0) {
            throw new IllegalStateException("no steady rate: the capacity run delivered nothing (set -Dbench.steadyRate)");
        }
        String prefix = scenario + "-" + System.nanoTime();
        int batches = (int) Math.round(eventsPerSecond * seconds / STEADY_BATCH);
        long intervalNanos = (long) (STEADY_BATCH * 1e9 / eventsPerSecond);
        AtomicLong rejected = new AtomicLong();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            long due = start + b * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            pending.add(http.sendAsync(request(batch(prefix, b * STEADY_BATCH, (b + 1) * STEADY_BATCH)),
                            HttpResponse.BodyHandlers.discarding())
                    .handle((r, e) -> {
                        if (e != null || r.statusCode() / 100 != 2) {
                            rejected.incrementAndGet();
                        }
                        return null;
                    }));
        }
        long sendMillis = (System.nanoTime() - start) / 1_000_000;
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return new Sent(IntStream.range(0, batches * STEADY_BATCH).mapToObj(i -> prefix + "-" + i).toList(),
                rejected.get(), String.format("%,d requests sent in %,d ms", batches, sendMillis));
    }

    /** A Segment batch body of events {@code from} (inclusive) to {@code to}, like the SDK burst's. */
    private static String batch(String prefix, int from, int to) {
        String timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        return IntStream.range(from, to).mapToObj(i -> "{\"type\":\"track\",\"messageId\":\"" + prefix + "-" + i
                        + "\",\"userId\":\"user-" + (i % 500) + "\",\"event\":\"Order Completed\",\"timestamp\":\""
                        + timestamp + "\",\"properties\":{\"orderId\":\"order-" + i + "\",\"revenue\":19.99,"
                        + "\"currency\":\"EUR\",\"products\":[{\"sku\":\"sku-" + (i % 40) + "\",\"price\":9.99,"
                        + "\"quantity\":2}]},\"context\":{\"library\":{\"name\":\"sluice-e2e-bench\",\"version\":\"1\"}}}")
                .collect(Collectors.joining(",", "{\"batch\":[", "]}"));
    }

    private HttpRequest request(String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + sluice.ingestPort() + "/v1/batch"))
                .header("Authorization", AUTH).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private int post(String body) throws IOException, InterruptedException {
        return http.send(request(body), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
