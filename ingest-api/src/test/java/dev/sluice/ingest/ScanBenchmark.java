package dev.sluice.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What the JSON policy costs ingest per request, CPU only: the batch scan as it runs now (strict
 * UTF-8, every float looked at, duplicate keys detected, per-event admission) against a reference
 * measured in the same run, a bare Jackson pass that only tokenizes the body and skips each event,
 * the least any reading of a batch can do. Rounds alternate, so load from elsewhere hits both alike.
 *
 * <pre>./mvnw -q -pl ingest-api exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.sluice.ingest.ScanBenchmark</pre>
 */
public final class ScanBenchmark {

    private static final JsonFactory PLAIN = new JsonFactory();

    private ScanBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = IngestBenchmark.batchBody(100).getBytes(StandardCharsets.UTF_8);
        RequestParser parser = new RequestParser(32 * 1024, 2500);
        EventAdmission admission = new EventAdmission(32 * 1024);
        Instant receivedAt = Instant.now();
        long sink = 0;
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round < 12; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                sink += bareTokenize(body);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                ParsedRequest request = parser.parseBatch(body);
                sink += admission.decide(request, body.length, receivedAt).valid().size();
            }
            long t2 = System.nanoTime();
            if (round >= 2) { // the first rounds warm the JIT up
                best[0] = Math.min(best[0], (t1 - t0) / 2000.0);
                best[1] = Math.min(best[1], (t2 - t1) / 2000.0);
            }
        }
        System.out.printf("body: 100 events, %d bytes; best of 10 rounds of 2,000 requests each%n", body.length);
        System.out.printf("reference, bare tokenize + skip per event: %8.1f us/request (%,.0f events/s on one core)%n",
                best[0] / 1000, 100 * 1e9 / best[0]);
        System.out.printf("ingest scan + admission under the policy:  %8.1f us/request (%,.0f events/s on one core)%n",
                best[1] / 1000, 100 * 1e9 / best[1]);
        System.out.printf("policy scan / reference: %.2f (checksum %d)%n", best[1] / best[0], sink);
    }

    private static int bareTokenize(byte[] body) throws Exception {
        int events = 0;
        try (JsonParser p = PLAIN.createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("batch") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        p.skipChildren();
                        events++;
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return events;
    }
}
