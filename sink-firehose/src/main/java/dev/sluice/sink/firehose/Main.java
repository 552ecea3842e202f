package dev.sluice.sink.firehose;

import dev.sluice.sink.SinkMain;

/** Runs sink-firehose (or, with {@code replay …}, a bounded replay) against the Kafka cluster in the environment. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SinkMain.run(args, System.getenv(), "sink-firehose", 9102, (env, registry) -> {
            FirehoseConfig config = FirehoseConfig.fromEnv(env);
            return new FirehoseDelivery(config, FirehoseDelivery.client(config), registry);
        });
    }
}
