package dev.sluice.sink.firehose;

import java.io.IOException;
import java.util.List;

/** Opens sink-firehose's package-private Firehose stand-in to all-in-one's tests. */
public final class FirehoseStandInAccess implements AutoCloseable {

    private final FirehoseStandIn standIn;

    public FirehoseStandInAccess(String... streams) throws IOException {
        this.standIn = new FirehoseStandIn(streams);
    }

    public String endpoint() {
        return standIn.endpoint();
    }

    public List<String> lines() {
        return standIn.events();
    }

    @Override
    public void close() {
        standIn.close();
    }
}
