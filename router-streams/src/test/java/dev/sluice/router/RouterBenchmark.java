package dev.sluice.router;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.embeddedkafka.EmbeddedKafkaBroker;
import dev.sluice.ingest.IngestApi;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.model.EventType;
import dev.sluice.model.IsoInstant;
import dev.sluice.model.SegmentJson;
import dev.sluice.model.Topics;
import dev.sluice.runtime.TopicCreator;
import dev.sluice.testsupport.SharedKafka;
import dev.sluice.testsupport.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Not a test: on one broker in one run, ingest-api's batched rate, then router throughput on a backlog
 * (EOS, dedup on) against a split-copy reference (the same envelopes cut into one record per event,
 * exactly once, with nothing else done) and a plain copy of the raw records, then ingest and router
 * together under a steady load: lag, and latency from the 200 to the event being readable. See BENCHMARKS.md.
 */
public final class RouterBenchmark {

    private static final int ENVELOPES = Integer.getInteger("bench.envelopes", 4000);
    private static final int PER_ENVELOPE = 100;

    private static final int INGEST_SECONDS = Integer.getInteger("bench.ingestSeconds", 15);
    private static final int STEADY_SECONDS = Integer.getInteger("bench.steadySeconds", 60);
    /** Offered load of the steady phase as a share of ingest's measured rate (the issue: half). */
    private static final double STEADY_SHARE = Double.parseDouble(System.getProperty("bench.steadyShare", "0.5"));
    /** When set, the steady phase offers this many events/s instead. */
    private static final Integer STEADY_RATE = Integer.getInteger("bench.steadyRate");
    private static final String WRITE_KEY = "bench";
    /** CPU nanoseconds per event of the last split-copy pass (its one thread; the producer's network thread not counted). */
    private static double lastSplitCpuPerEvent;
    /** CPU nanoseconds per event of the last split-copy pass's producer network thread. */
    private static double lastSplitSenderCpuPerEvent;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sluice-router-bench-");
        Path state = Files.createTempDirectory("sluice-router-bench-state-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            String bootstrap = broker.bootstrapServers();
            Topics topics = new Topics("bench.");
            new TopicCreator(bootstrap, 3, 1).ensure(List.of(topics.ingestRaw(), "bench.copy", "bench.split",
                            "bench.split2", "bench.floor"), Duration.ofSeconds(10));
            List<String> floorTopics = new ArrayList<>();
            for (EventType type : EventType.values()) {
                floorTopics.add("bench.floor." + type.wireName());
            }
            new TopicCreator(bootstrap, 3, 1).ensure(floorTopics, Duration.ofSeconds(10));
            long events = (long) ENVELOPES * PER_ENVELOPE;
            System.out.printf("%d cores, load average at start %.1f%n", Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

            // ingest-api's own batched rate against this broker; its records go to a topic of their own
            double ingestRate = ingestRate(bootstrap);
            System.out.printf("ingest-api /v1/batch (100 events per request, 32 connections, wrk -t2, %d s): "
                    + "%,.0f events/s%n", INGEST_SECONDS, ingestRate);

            fill(bootstrap, topics.ingestRaw(), ENVELOPES, Instant.parse("2026-01-01T00:00:00Z"));
            System.out.printf("backlog: %,d raw records x %d events = %,d events in %s, 3 partitions%n",
                    ENVELOPES, PER_ENVELOPE, events, topics.ingestRaw());

            double copyRate = plainCopy(bootstrap, topics.ingestRaw(), "bench.copy", ENVELOPES) * PER_ENVELOPE;
            System.out.printf("plain consume->produce copy (at-least-once, no parsing): %,.0f events/s%n", copyRate);
            double warm = splitCopy(bootstrap, topics.ingestRaw(), "bench.split", events, "bench-split-warmup");
            System.out.printf("split-copy reference, JIT warm-up pass: %,.0f events/s%n", warm);
            double splitRate = splitCopy(bootstrap, topics.ingestRaw(), "bench.split", events, "bench-split");
            double splitCpu = lastSplitCpuPerEvent;
            System.out.printf("split-copy reference (EOS transactions every 100 ms, one record per event cut out "
                    + "by streaming, no validation/enrichment/dedup): %,.0f events/s, %.2f us CPU per event (+ %.2f us "
                    + "its producer's network thread)%n", splitRate, splitCpu / 1000, lastSplitSenderCpuPerEvent / 1000);
            // bench.floors=false leaves out the Kafka Streams floors (before the routers, and again after them)
            boolean floors = Boolean.parseBoolean(System.getProperty("bench.floors", "true"));
            String floorInterval = System.getProperty("bench.backlogCommitIntervals",
                    System.getProperty("bench.backlogCommitInterval", "PT1S")).split(",")[0];
            if (floors) {
                streamsFloor(bootstrap, topics, state, "bench-floor-0", floorInterval, false, false, splitRate, splitCpu);
                streamsFloor(bootstrap, topics, state, "bench-floor6-0", floorInterval, false, true, splitRate, splitCpu);
                streamsFloor(bootstrap, topics, state, "bench-floor6-dedup-0", floorInterval, true, true, splitRate,
                        splitCpu);
            }

            // bench.backlogCommitIntervals=PT0.1S,PT1S,...: a router (own group, own state) per interval on the
            // same backlog in this run, so the intervals compare on equal load; the last one stays for the steady phase
            String[] intervals = System.getProperty("bench.backlogCommitIntervals",
                    System.getProperty("bench.backlogCommitInterval", "PT1S")).split(",");
            for (int i = 0; i < intervals.length - 1; i++) {
                routerGroup = "sluice-router-" + i;
                try (RouterApp router = RouterApp.start(RouterConfig.fromEnv(routerEnv(bootstrap, state.resolve(routerGroup),
                        routerGroup, intervals[i])))) {
                    double[] r = routeBacklog(bootstrap, topics, router, intervals[i]);
                    System.out.printf("  -> %.2f of the split-copy reference (before), %.2f of ingest-api; the split-copy "
                            + "needs %.2f of its CPU per event%n", r[0] / splitRate, r[0] / ingestRate, splitCpu / r[1]);
                }
            }
            routerGroup = "sluice-router";
            String interval = intervals[intervals.length - 1];
            RouterApp router = RouterApp.start(RouterConfig.fromEnv(routerEnv(bootstrap, state, routerGroup, interval)));
            try {
                double[] r = routeBacklog(bootstrap, topics, router, interval);
                double rate = r[0];
                double routerCpu = r[1];
                // the reference again, so a change of load on the shared machine during the run shows
                double splitAfter = splitCopy(bootstrap, topics.ingestRaw(), "bench.split2", events, "bench-split2");
                splitCpu = (splitCpu + lastSplitCpuPerEvent) / 2;
                System.out.printf("split-copy reference again, after the router: %,.0f events/s, %.2f us CPU per event "
                        + "(+ %.2f us its producer's network thread)%n", splitAfter, lastSplitCpuPerEvent / 1000,
                        lastSplitSenderCpuPerEvent / 1000);
                if (floors) {
                    double after = lastSplitCpuPerEvent;
                    streamsFloor(bootstrap, topics, state, "bench-floor-1", floorInterval, false, false, splitAfter, after);
                    streamsFloor(bootstrap, topics, state, "bench-floor6-1", floorInterval, false, true, splitAfter, after);
                    streamsFloor(bootstrap, topics, state, "bench-floor6-dedup-1", floorInterval, true, true, splitAfter,
                            after);
                    routerGroup = "sluice-router";
                }
                double reference = (splitRate + splitAfter) / 2;
                System.out.printf("  -> the last router: %.2f of the split-copy reference (mean of the two), %.2f of "
                        + "ingest-api; the split-copy needs %.2f of its CPU per event%n", rate / reference,
                        rate / ingestRate, splitCpu / routerCpu);

                int offered = STEADY_RATE != null ? STEADY_RATE : (int) (ingestRate * STEADY_SHARE);
                Map<String, String> ingestEnv = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "SLUICE_INGEST_PORT", "0",
                        "SLUICE_ADMIN_PORT", "0", "SLUICE_WRITE_KEYS", WRITE_KEY + "=bench-project",
                        "SLUICE_TOPIC_PREFIX", "bench.", "SLUICE_TOPIC_PARTITIONS", "3");
                // bench.steadyIntervals=PT0.1S,PT1S,...: one steady phase per interval, the router restarted with it
                // (same group and state) between phases, so the intervals compare under the same load in one run
                String[] steadyIntervals = System.getProperty("bench.steadyIntervals", interval).split(",");
                try (IngestApi ingest = IngestApi.start(IngestConfig.fromEnv(ingestEnv))) {
                    for (int phase = 0; phase < steadyIntervals.length; phase++) {
                        if (!steadyIntervals[phase].equals(interval)) {
                            router.close();
                            interval = steadyIntervals[phase];
                            router = RouterApp.start(RouterConfig.fromEnv(routerEnv(bootstrap, state, routerGroup, interval)));
                            while (router.state() != org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
                                Thread.sleep(50); // its rebalance is not the next phase's latency
                            }
                        }
                        System.out.printf("steady phase %d: the router commits every %s behind, every 100 ms caught up%n",
                                phase + 1, interval);
                        steady(bootstrap, topics, "http://localhost:" + ingest.port() + "/v1/batch", offered,
                                STEADY_SECONDS, (char) ('s' + phase));
                    }
                }
            } finally {
                router.close();
            }
        } finally {
            TempDirs.deleteRecursively(dir);
            TempDirs.deleteRecursively(state);
        }
    }

    /** ingest-api in this JVM, driven by wrk with one constant 100-event body; events/s of 200s. */
    static double ingestRate(String bootstrap) throws Exception {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "SLUICE_INGEST_PORT", "0",
                "SLUICE_ADMIN_PORT", "0", "SLUICE_WRITE_KEYS", WRITE_KEY + "=bench-project",
                "SLUICE_TOPIC_PREFIX", "ingestbench.", "SLUICE_TOPIC_PARTITIONS", "3");
        try (IngestApi api = IngestApi.start(IngestConfig.fromEnv(env))) {
            Path body = Files.createTempFile("bench-body-", ".json");
            Path script = Files.createTempFile("bench-", ".lua");
            try {
                Files.writeString(body, batchBody(0, "wrk"));
                Files.writeString(script, String.join("\n",
                        "wrk.method = 'POST'",
                        "local f = io.open('" + body + "', 'r'); wrk.body = f:read('*a'); f:close()",
                        "wrk.headers['Content-Type'] = 'application/json'",
                        "wrk.headers['Authorization'] = '" + authorization() + "'",
                        "done = function(summary, latency, requests)",
                        "  io.write(string.format('RESULT requests=%d seconds=%f errors=%d\\n', summary.requests,",
                        "    summary.duration / 1e6, summary.errors.status + summary.errors.connect"
                                + " + summary.errors.read + summary.errors.write + summary.errors.timeout))",
                        "end", ""));
                String url = "http://localhost:" + api.port() + "/v1/batch";
                run("wrk", "-t2", "-c32", "-d5s", "-s", script.toString(), url); // warm-up
                String out = run("wrk", "-t2", "-c32", "-d" + INGEST_SECONDS + "s", "-s", script.toString(), url);
                String line = out.lines().filter(l -> l.startsWith("RESULT")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + out));
                Map<String, Double> v = new HashMap<>();
                for (String kv : line.substring(7).split(" ")) {
                    String[] p = kv.split("=");
                    v.put(p[0], Double.parseDouble(p[1]));
                }
                if (v.get("errors") > 0) {
                    System.out.printf("(wrk counted %.0f non-2xx or failed requests, left out of the rate)%n",
                            v.get("errors"));
                }
                return (v.get("requests") - v.get("errors")) * PER_ENVELOPE / v.get("seconds");
            } finally {
                Files.deleteIfExists(body);
                Files.deleteIfExists(script);
            }
        }
    }

    private static String authorization() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (is wrk installed? "
                    + "apt-get install wrk):\n" + out);
        }
        return out;
    }

    /** A /v1/batch body of 100 events whose messageIds start with {@code tag}. */
    static String batchBody(int first, String tag) {
        StringBuilder b = new StringBuilder("{\"sentAt\":\"2026-01-01T00:00:01.000Z\",\"batch\":[");
        for (int i = 0; i < PER_ENVELOPE; i++) {
            String e = event(first + i);
            int at = e.indexOf("\"messageId\":\"") + 13;
            b.append(i == 0 ? "" : ",").append(e, 0, at).append(tag).append('-').append(i).append('-')
                    .append(e, at, e.length());
        }
        return b.append("]}").toString();
    }

    /**
     * Ingest and router together: requests of 100 events posted at a steady rate for {@code seconds};
     * per event, the time from its request's 200 to a read_committed consumer of the typed topics
     * seeing it, and the router's lag on ingest.raw sampled every second.
     */
    static void steady(String bootstrap, Topics topics, String url, int eventsPerSecond, int seconds, char tag)
            throws Exception {
        int requestsPerSecond = Math.max(1, eventsPerSecond / PER_ENVELOPE);
        long intervalNanos = 1_000_000_000L / requestsPerSecond;
        int total = requestsPerSecond * seconds;
        java.util.concurrent.atomic.AtomicLongArray okAt = new java.util.concurrent.atomic.AtomicLongArray(total);
        long[] seenAt = new long[total * PER_ENVELOPE]; // written by the reader only, read after it ends
        int[] seen = new int[1];
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        // at most 32 requests in flight, as wrk's 32 connections: a request that cannot go out on time goes late
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        List<long[]> lagSamples = new ArrayList<>(); // {second, raw records behind}
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, "bench-steady-" + UUID.randomUUID(), true)) {
                c.subscribe(topics.allEventTopics());
                while (c.assignment().isEmpty()) {
                    c.poll(Duration.ofMillis(100)); // records of earlier phases and the backlog: not this phase's
                }
                c.seekToEnd(c.assignment());
                c.assignment().forEach(c::position);
                positioned.countDown();
                while (!done.get()) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        String id = dev.sluice.model.EventHeaders.text(r.headers(),
                                dev.sluice.model.EventHeaders.MESSAGE_ID);
                        if (id != null && id.charAt(0) == tag) { // <tag><request>-<index>-<uuid>
                            int dash = id.indexOf('-');
                            int event = Integer.parseInt(id.substring(1, dash)) * PER_ENVELOPE
                                    + Integer.parseInt(id.substring(dash + 1, id.indexOf('-', dash + 1)));
                            if (seenAt[event] == 0) {
                                seenAt[event] = now;
                                seen[0]++;
                            }
                        }
                    }
                }
            }
        }, "bench-steady-reader");
        reader.start();
        positioned.await(); // the reader's assignment, before anything is sent
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            long start = System.nanoTime();
            // sampled on a thread of its own, so the trace stays one a second when the sender falls behind
            java.util.concurrent.ScheduledExecutorService sampler =
                    java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                synchronized (lagSamples) {
                    lagSamples.add(new long[] {(System.nanoTime() - start) / 1_000_000_000L, rawLag(admin, topics)});
                }
            }, 0, 1, java.util.concurrent.TimeUnit.SECONDS);
            long late = 0;
            for (int r = 0; r < total; r++) {
                long due = start + r * intervalNanos;
                long now;
                while ((now = System.nanoTime()) < due) {
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.min(due - now, 1_000_000L));
                }
                inFlight.acquire();
                if (System.nanoTime() - due > 100_000_000L) {
                    late++;
                }
                int request = r;
                java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                        .header("Content-Type", "application/json").header("Authorization", authorization())
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(batchBody(r * PER_ENVELOPE, tag + String.valueOf(r))))
                        .build();
                http.sendAsync(req, java.net.http.HttpResponse.BodyHandlers.discarding()).whenComplete((resp, e) -> {
                    if (e == null && resp.statusCode() == 200) {
                        okAt.set(request, System.nanoTime());
                    } else {
                        failed.incrementAndGet();
                    }
                    inFlight.release();
                });
            }
            double sendSecs = (System.nanoTime() - start) / 1e9;
            inFlight.acquire(32);
            long drainEnd = System.nanoTime() + 60_000_000_000L;
            long expected = (long) (total - failed.get()) * PER_ENVELOPE;
            while (System.nanoTime() < drainEnd && rawLag(admin, topics) != 0) {
                Thread.sleep(100);
            }
            Thread.sleep(1000); // the last commit becomes readable
            sampler.shutdownNow();
            sampler.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            done.set(true);
            reader.join();
            long[] latencies = new long[seen[0]];
            int n = 0;
            for (int e = 0; e < seenAt.length; e++) {
                long ok = okAt.get(e / PER_ENVELOPE);
                if (seenAt[e] != 0 && ok != 0 && n < latencies.length) {
                    latencies[n++] = Math.max(0, seenAt[e] - ok);
                }
            }
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            long maxLag = lagSamples.stream().mapToLong(l -> l[1]).max().orElse(0);
            long lagAtEnd = lagSamples.stream().filter(l -> l[0] <= sendSecs).mapToLong(l -> l[1])
                    .reduce((x, y) -> y).orElse(0);
            System.out.printf("steady load, ingest + router together: %,d events/s offered (%d requests/s of %d, at most "
                            + "32 in flight) for %d s; sending took %.1f s, %,d requests more than 100 ms late, %d failed; "
                            + "%,d of %,d events readable by the end%n", requestsPerSecond * PER_ENVELOPE,
                    requestsPerSecond, PER_ENVELOPE, seconds, sendSecs, late, failed.get(), seen[0], expected);
            System.out.printf("  200 -> readable (read_committed, typed topic): p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, "
                    + "max %.0f ms%n", pct(sorted, 0.5), pct(sorted, 0.99), pct(sorted, 0.999), pct(sorted, 1.0));
            System.out.printf("  router lag on ingest.raw: at the end of sending %,d raw records (%,d events, %.1f s of "
                    + "offered load); max %,d raw records (%.1f s)%n", lagAtEnd, lagAtEnd * PER_ENVELOPE,
                    lagAtEnd / (double) requestsPerSecond, maxLag, maxLag / (double) requestsPerSecond);
            StringBuilder trace = new StringBuilder("  lag each second from the first request (raw records):");
            for (long[] l : lagSamples) {
                trace.append(' ').append(l[1]);
            }
            System.out.println(trace);
        }
    }

    /** The consumer group (= application id) of the router being measured. */
    private static String routerGroup = "sluice-router";

    static Map<String, String> routerEnv(String bootstrap, Path state, String applicationId, String backlogCommitInterval) {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "SLUICE_TOPIC_PREFIX", "bench.",
                "SLUICE_ADMIN_PORT", "0", "SLUICE_ROUTER_STATE_DIR", state.toString(),
                "SLUICE_DEDUP_WINDOW", "PT24H", "SLUICE_TOPIC_PARTITIONS", "3",
                "SLUICE_ROUTER_THREADS", System.getProperty("bench.threads", "1"),
                "SLUICE_ROUTER_APPLICATION_ID", applicationId,
                "SLUICE_ROUTER_BACKLOG_COMMIT_INTERVAL", backlogCommitInterval);
    }

    /**
     * Times a freshly started router on the whole backlog, from its first offset commit to the one that
     * reaches the end (start-up and the first commit interval left out); prints the rate, its stream
     * thread's CPU per event and its commits. Returns {events/s, CPU ns per event}.
     */
    static double[] routeBacklog(String bootstrap, Topics topics, RouterApp router, String interval) throws Exception {
        double commitsBefore = commitMetric(router.adminPort(), "kafka_stream_thread_commit_total");
        long[] span = awaitCommitted(bootstrap, topics);
        double commits = commitMetric(router.adminPort(), "kafka_stream_thread_commit_total") - commitsBefore;
        double secs = (span[1] - span[0]) / 1e9;
        long routed = span[4] * PER_ENVELOPE; // the events routed between the two commits
        double rate = routed / secs;
        double cpu = (span[3] - span[2]) / (double) routed;
        System.out.printf("router (exactly_once_v2, dedup PT24H, %s stream thread(s), commits every %s behind, every "
                        + "100 ms caught up) on the backlog: %,d events in %.1f s = %,.0f events/s, %.2f us stream-thread "
                        + "CPU per event (+ %.2f us its producer's network thread); %.0f commits (%.1f per second), "
                        + "latency avg %.0f ms, max %.0f ms%n",
                System.getProperty("bench.threads", "1"), interval, routed, secs, rate, cpu / 1000,
                span[5] / (double) routed / 1000, commits,
                commits / secs, commitMetric(router.adminPort(), "kafka_stream_thread_commit_latency_avg"),
                commitMetric(router.adminPort(), "kafka_stream_thread_commit_latency_max"));
        return new double[] {rate, cpu};
    }

    /**
     * The floor of any router built on Kafka Streams here: a Streams app with the router's Streams settings
     * (exactly_once_v2, its commit interval, producer settings and thread count; its own application id and
     * state) whose one processor cuts each envelope into its events exactly as the split-copy reference does
     * and forwards one record per event to one topic: no validation, enrichment, dedup or headers. With
     * {@code typedTopics}, to six topics in turn (as the router spreads the benchmark's events over its six
     * typed topics; with dedup, chosen by the type header as the router's sink does). With {@code dedup}, each event also gets the router's three headers (its type a constant, its messageId
     * made from the raw record's partition and offset and the event's index, as long as a UUID; the type one of six in turn) and goes
     * through the router's {@link Deduplicator} with its changelogged 24 h window store and metrics. Timed
     * as the router is (first offset commit to the last); prints its rate and stream-thread CPU per event.
     */
    static void streamsFloor(String bootstrap, Topics topics, Path state, String appId, String interval,
            boolean dedup, boolean typedTopics, double splitRate, double splitCpu) throws Exception {
        routerGroup = appId;
        RouterConfig config = RouterConfig.fromEnv(routerEnv(bootstrap, state.resolve(appId), appId, interval));
        org.apache.kafka.streams.Topology t = new org.apache.kafka.streams.Topology();
        t.addSource("ingest-raw", org.apache.kafka.common.serialization.Serdes.String().deserializer(),
                org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer(), topics.ingestRaw());
        t.addProcessor("split", () -> new FloorSplitter(dedup, typedTopics && !dedup), "ingest-raw");
        String last = "split";
        if (dedup) {
            RouterMetrics metrics = new RouterMetrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                    io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT));
            t.addProcessor("dedupe", () -> new Deduplicator(RouterTopology.DEDUP_STORE, config.dedupWindow(), metrics),
                    "split");
            t.addStateStore(org.apache.kafka.streams.state.Stores.windowStoreBuilder(
                    org.apache.kafka.streams.state.Stores.persistentWindowStore(RouterTopology.DEDUP_STORE,
                            config.dedupWindow(), config.dedupWindow(), false),
                    org.apache.kafka.common.serialization.Serdes.String(),
                    org.apache.kafka.common.serialization.Serdes.Long()), "dedupe");
            last = "dedupe";
        }
        var keys = org.apache.kafka.common.serialization.Serdes.String().serializer();
        var values = org.apache.kafka.common.serialization.Serdes.ByteArray().serializer();
        if (!typedTopics) {
            t.addSink("out", "bench.floor", keys, values, last);
        } else if (dedup) {
            t.addSink("out", (key, value, ctx) -> "bench.floor."
                    + dev.sluice.model.EventHeaders.text(ctx.headers(), dev.sluice.model.EventHeaders.TYPE), keys, values,
                    last);
        } else {
            for (EventType type : EventType.values()) {
                t.addSink("out-" + type.ordinal(), "bench.floor." + type.wireName(), keys, values, last);
            }
        }
        org.apache.kafka.streams.KafkaStreams streams = new org.apache.kafka.streams.KafkaStreams(t,
                RouterApp.streamsProperties(config));
        try {
            streams.start();
            long[] span = awaitCommitted(bootstrap, topics);
            double secs = (span[1] - span[0]) / 1e9;
            long routed = span[4] * PER_ENVELOPE;
            double rate = routed / secs;
            double cpu = (span[3] - span[2]) / (double) routed;
            System.out.printf("Streams floor%s (%s: exactly_once_v2, the router's Streams settings, %s stream thread(s), "
                            + "commits every %s) on the backlog: %,d events in %.1f s = %,.0f events/s, %.2f us "
                            + "stream-thread CPU per event (+ %.2f us its producer's network thread) -> %.2f of the "
                            + "split-copy beside it; it needs %.1fx the split-copy's CPU per event%n",
                    (dedup ? " + 3 headers + the router's Deduplicator (24 h window store, changelog, metrics)"
                            : ", split only") + (typedTopics ? ", to six topics" : ", to one topic"), appId,
                    System.getProperty("bench.threads", "1"), interval, routed, secs, rate, cpu / 1000,
                    span[5] / (double) routed / 1000, rate / splitRate, cpu / splitCpu);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    /** The split-copy's cut as a Streams processor: one record per event, key and timestamp of the raw record. */
    private static final class FloorSplitter implements org.apache.kafka.streams.processor.api.Processor<String, byte[],
            String, byte[]> {
        private static final String PAD = "-".repeat(36);
        private static final EventType[] TYPES = EventType.values();
        private final boolean headers;
        private final boolean toChildInTurn;
        private final JsonFactory json = new JsonFactory();
        private org.apache.kafka.streams.processor.api.ProcessorContext<String, byte[]> context;

        FloorSplitter(boolean headers, boolean toChildInTurn) {
            this.headers = headers;
            this.toChildInTurn = toChildInTurn;
        }

        @Override
        public void init(org.apache.kafka.streams.processor.api.ProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(org.apache.kafka.streams.processor.api.Record<String, byte[]> raw) {
            String origin = headers ? context.recordMetadata().map(m -> m.partition() + ":" + m.offset() + ":")
                    .orElse("") : "";
            String prefix = origin + PAD.substring(Math.min(PAD.length() - 2, origin.length() + 2));
            int[] n = {0};
            try {
                split(json, raw.value(), slice -> {
                    if (headers) {
                        var h = new org.apache.kafka.common.header.internals.RecordHeaders();
                        dev.sluice.model.EventHeaders.put(h, dev.sluice.model.EventHeaders.PROJECT, raw.key());
                        dev.sluice.model.EventHeaders.put(h, dev.sluice.model.EventHeaders.TYPE,
                                TYPES[n[0] % TYPES.length].wireName());
                        dev.sluice.model.EventHeaders.put(h, dev.sluice.model.EventHeaders.MESSAGE_ID,
                                prefix + (n[0] < 10 ? "0" : "") + n[0]);
                        context.forward(new org.apache.kafka.streams.processor.api.Record<>(raw.key(), slice,
                                raw.timestamp(), h));
                    } else if (toChildInTurn) {
                        context.forward(new org.apache.kafka.streams.processor.api.Record<>(raw.key(), slice,
                                raw.timestamp()), "out-" + n[0] % TYPES.length);
                    } else {
                        context.forward(new org.apache.kafka.streams.processor.api.Record<>(raw.key(), slice,
                                raw.timestamp()));
                    }
                    n[0]++;
                });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** A stream-thread metric from the router's /metrics, summed over its threads (one thread here). */
    static double commitMetric(int adminPort, String name) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String body = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String v = line.substring(line.lastIndexOf(' ') + 1);
                if (!v.equals("NaN")) {
                    sum += Double.parseDouble(v);
                }
            }
        }
        return sum;
    }

    /** Raw records in ingest.raw the router has not committed yet. */
    private static long rawLag(org.apache.kafka.clients.admin.Admin admin, Topics topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(routerGroup)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                latest.put(new TopicPartition(topics.ingestRaw(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            long lag = 0;
            for (var e : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    static String event(int i) {
        String type = EventType.values()[i % 6].wireName();
        return "{\"type\":\"" + type + "\",\"event\":\"Order Completed\",\"userId\":\"user-" + (i % 1000)
                + "\",\"groupId\":\"g\",\"previousId\":\"p\",\"messageId\":\"" + UUID.randomUUID()
                + "\",\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"properties\":{\"orderId\":\"o-" + i
                + "\",\"revenue\":39.95,\"currency\":\"EUR\",\"products\":[{\"sku\":\"SKU-1\",\"price\":19.95,"
                + "\"quantity\":1}]},\"context\":{\"library\":{\"name\":\"analytics-java\",\"version\":\"3.5.4\"},"
                + "\"locale\":\"de-DE\"},\"integrations\":{\"All\":true}}";
    }

    static byte[] envelope(String project, int first, Instant receivedAt) {
        StringBuilder b = new StringBuilder("{\"projectId\":\"").append(project).append("\",\"receivedAt\":\"")
                .append(IsoInstant.format(receivedAt)).append("\",\"sentAt\":\"2026-01-01T00:00:01.000Z\","
                        + "\"ip\":\"203.0.113.7\",\"batch\":[");
        for (int i = 0; i < PER_ENVELOPE; i++) {
            b.append(i == 0 ? "" : ",").append(event(first + i));
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }

    static void fill(String bootstrap, String topic, int envelopes, Instant receivedAt) {
        try (KafkaProducer<String, byte[]> p = producer(bootstrap)) {
            for (int e = 0; e < envelopes; e++) {
                String project = "project-" + (e % 12);
                p.send(new ProducerRecord<>(topic, project, envelope(project, e * PER_ENVELOPE, receivedAt)));
            }
        }
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap, String group, boolean committedOnly) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Records/s of a consumer→producer loop that copies without looking at the data. */
    static double plainCopy(String bootstrap, String from, String to, int expected) {
        long t0 = System.nanoTime();
        int copied = 0;
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap, "bench-copy", false);
             KafkaProducer<String, byte[]> p = producer(bootstrap)) {
            c.subscribe(List.of(from));
            while (copied < expected) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    p.send(new ProducerRecord<>(to, r.key(), r.value()));
                    copied++;
                }
                p.flush();
                c.commitSync();
            }
        }
        return copied / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * The ceiling for the router's job here: the same consume, cut each envelope into its events and
     * produce one record per event, with the router's producer settings and exactly-once
     * transactions committed every 100 ms, but no validation, enrichment or deduplication.
     */
    static double splitCopy(String bootstrap, String from, String to, long expectedEvents, String group)
            throws Exception {
        long t0 = System.nanoTime();
        long cpu0 = 0;
        long produced = 0;
        JsonFactory json = new JsonFactory();
        String clientId = "bench-split-" + UUID.randomUUID();
        long senderCpu0 = 0;
        Map<String, Object> producerConfig = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, clientId, ProducerConfig.CLIENT_ID_CONFIG, clientId));
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000),
                new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerConfig, new StringSerializer(),
                     new ByteArraySerializer())) {
            p.initTransactions();
            c.subscribe(List.of(from));
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    new HashMap<>();
            long commitAt = System.nanoTime() + 100_000_000L;
            p.beginTransaction();
            while (produced < expectedEvents) {
                var records = c.poll(Duration.ofMillis(50));
                if (produced == 0 && !records.isEmpty()) {
                    t0 = System.nanoTime(); // from the first record: group join and start-up left out
                    cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    senderCpu0 = threadsCpu(clientId);
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    produced += split(json, r.value(), slice -> p.send(new ProducerRecord<>(to, r.key(), slice)));
                    offsets.put(new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1));
                }
                if (System.nanoTime() >= commitAt || produced >= expectedEvents) {
                    p.sendOffsetsToTransaction(offsets, c.groupMetadata());
                    p.commitTransaction();
                    offsets.clear();
                    commitAt = System.nanoTime() + 100_000_000L;
                    p.beginTransaction();
                }
            }
            p.commitTransaction();
            lastSplitSenderCpuPerEvent = (threadsCpu(clientId) - senderCpu0) / (double) produced;
            lastSplitCpuPerEvent = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                    - cpu0) / (double) produced;
        }
        return produced / ((System.nanoTime() - t0) / 1e9);
    }

    /** Hands each element of the envelope's batch array, as the bytes it was written with, to {@code out}. */
    private static int split(JsonFactory json, byte[] envelope, Consumer<byte[]> out)
            throws IOException {
        int n = 0;
        try (JsonParser parser = json.createParser(envelope)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean batch = parser.currentName().equals("batch");
                parser.nextToken();
                if (!batch) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentLocation().getByteOffset();
                    out.accept(Arrays.copyOfRange(envelope, start, end));
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Waits until the router has committed its offsets on ingest.raw up to the end (under exactly-once
     * its output is then committed too), polling the group's offsets rather than reading the output, so
     * no reader competes with the router for the two cores (the split-copy has none either). Returns
     * nanoTime of the first offset commit and of the last, the stream threads' CPU time at both, the
     * raw records left after the first, and the CPU time its producers' network threads used in between.
     */
    static long[] awaitCommitted(String bootstrap, Topics topics) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            long total = rawLag(admin, topics);
            long first = 0;
            long firstCpu = 0;
            long firstSenderCpu = 0;
            long lagAtFirst = 0;
            while (true) {
                long lag = rawLag(admin, topics);
                if (first == 0 && lag >= 0 && lag < total) {
                    first = System.nanoTime();
                    firstCpu = streamThreadsCpu();
                    firstSenderCpu = threadsCpu("-StreamThread-");
                    lagAtFirst = lag;
                }
                if (lag == 0) {
                    long cpu = streamThreadsCpu();
                    long senderCpu = threadsCpu("-StreamThread-") - cpu;
                    return new long[] {first, System.nanoTime(), firstCpu, cpu, lagAtFirst,
                            senderCpu - (firstSenderCpu - firstCpu)};
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * CPU nanoseconds used so far by the router's stream threads ({@code <client>-StreamThread-<n>}; their
     * producers' network threads, {@code kafka-producer-network-thread | <client>-StreamThread-<n>-producer},
     * not counted: until the fourth pass they were, see BENCHMARKS.md).
     */
    static long streamThreadsCpu() {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().matches(".*-StreamThread-\\d+")) {
                sum += Math.max(0, java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    /** CPU nanoseconds used so far by the live threads whose name contains {@code part}. */
    static long threadsCpu(String part) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains(part)) {
                sum += Math.max(0, java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

}
