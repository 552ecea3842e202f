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

    /** One accepted Firehose record: its data (one or more newline-terminated events) and when it was accepted. */
    public record AcceptedRecord(String data, long atMillis) {
    }

    /** The records accepted after the first {@code skip}, in the order they were accepted. */
    public List<AcceptedRecord> acceptedAfter(int skip) {
        return standIn.accepted.stream().skip(skip).map(a -> new AcceptedRecord(a.data(), a.atMillis())).toList();
    }

    /** The share of records each call fails with ServiceUnavailableException (0 to 1). */
    public void partialFailureRate(double rate) {
        standIn.partialFailureRate = rate;
    }

    /** How long each PutRecordBatch takes to answer, as AWS's round trip would. */
    public void callDelayMillis(long millis) {
        standIn.callDelayMillis = millis;
    }

    @Override
    public void close() {
        standIn.close();
    }
}
