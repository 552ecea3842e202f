package dev.sluice.sink.forwarder;

import dev.sluice.sink.SinkMain;

/** Runs sink-forwarder (or, with {@code replay …}, a bounded replay) against the Kafka cluster in the environment. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SinkMain.run(args, System.getenv(), "sink-forwarder", 9103,
                (env, registry) -> new SegmentForwarder(ForwarderConfig.fromEnv(env), registry));
    }
}
