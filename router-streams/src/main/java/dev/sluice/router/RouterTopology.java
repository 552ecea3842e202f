package dev.sluice.router;

import dev.sluice.model.EventHeaders;
import dev.sluice.model.EventType;
import dev.sluice.model.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The router, top to bottom:
 * <pre>
 *   ingest.raw ─▶ (commit pacing) ─▶ split · validate · enrich ─┬─▶ dedupe (projectId, messageId) ─▶ events.&lt;type&gt;
 *                                                               └─▶ events.rejected (reason in headers)
 * </pre>
 */
public final class RouterTopology {

    static final String DEDUP_STORE = "dedup-store";

    private RouterTopology() {
    }

    public static Topology build(RouterConfig config, RouterMetrics metrics) {
        Topics topics = config.kafka().topics();
        Topology t = new Topology();
        t.addSource("ingest-raw", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                topics.ingestRaw());
        CaughtUpCommitter.ThreadPace pace = new CaughtUpCommitter.ThreadPace();
        t.addProcessor("commit-pacing", () -> new CaughtUpCommitter(pace, config.commitInterval(), config.caughtUpLag()),
                "ingest-raw");
        t.addProcessor("split", () -> new EnvelopeSplitter("dedupe", "rejected", config.maxEventBytes(), metrics),
                "commit-pacing");
        if (config.dedupEnabled()) {
            t.addProcessor("dedupe", () -> new Deduplicator(DEDUP_STORE, config.dedupWindow(), metrics), "split");
            t.addStateStore(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(DEDUP_STORE, config.dedupWindow(), config.dedupWindow(), false),
                    Serdes.String(), Serdes.Long()), "dedupe");
        } else {
            t.addProcessor("dedupe", () -> new RoutedCounter(metrics), "split");
        }
        t.addSink("events-by-type", byType(topics), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                "dedupe");
        t.addSink("rejected", topics.rejected(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                "split");
        return t;
    }

    /** The typed topic named by the event's type header (set by the splitter after validation). */
    private static TopicNameExtractor<String, byte[]> byType(Topics topics) {
        return (key, value, ctx) -> {
            String type = EventHeaders.text(ctx.headers(), EventHeaders.TYPE);
            return topics.events(EventType.fromWire(type).orElseThrow(
                    () -> new IllegalStateException("validated event without a known type: " + type)));
        };
    }
}
