package dev.sluice.sink;

/**
 * One consumer of a sink: its settings (group, retry topic, DLQ) and the destination it delivers to.
 *
 * @param name what the unit is called within its sink (the sink's name, or a webhook endpoint's), for
 *             logs and for choosing the unit a replay acts for ({@code SLUICE_SINK_UNIT})
 */
public record SinkUnit(String name, SinkConfig config, Sink sink) {

    /** The one consumer of a sink that has one destination. */
    public static SinkUnit single(SinkConfig config, Sink sink) {
        return new SinkUnit(config.sinkName(), config, sink);
    }
}
