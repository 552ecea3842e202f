package dev.sluice.sink.forwarder;

import java.io.IOException;
import java.util.List;

/** Opens sink-forwarder's package-private Segment stand-in to all-in-one's tests. */
public final class SegmentStandInAccess implements AutoCloseable {

    private final SegmentStandIn standIn;

    public SegmentStandInAccess(String... writeKeys) throws IOException {
        this.standIn = new SegmentStandIn(writeKeys);
    }

    public String url() {
        return standIn.url();
    }

    public List<String> messageIds() {
        return standIn.messageIds();
    }

    @Override
    public void close() {
        standIn.close();
    }
}
