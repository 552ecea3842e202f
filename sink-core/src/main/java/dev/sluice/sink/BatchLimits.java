package dev.sluice.sink;

import java.time.Duration;

/**
 * What one delivery call may carry.
 *
 * @param maxRecordBytes a record over this can never be delivered and goes straight to the DLQ
 * @param linger how long a partial batch may wait for more records
 */
public record BatchLimits(int maxRecords, long maxBytes, int maxRecordBytes, Duration linger) {

    public BatchLimits {
        if (maxRecords < 1 || maxBytes < 1 || maxRecordBytes < 1 || maxRecordBytes > maxBytes) {
            throw new IllegalArgumentException("inconsistent batch limits: " + maxRecords + " records, "
                    + maxBytes + " bytes, " + maxRecordBytes + " bytes per record");
        }
    }
}
