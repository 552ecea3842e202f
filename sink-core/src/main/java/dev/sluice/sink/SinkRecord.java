package dev.sluice.sink;

import org.apache.kafka.common.header.Headers;

/**
 * One event as a sink sees it.
 *
 * @param project the projectId (the record key)
 * @param type the event type from the {@code sluice.type} header (may be empty for other topics)
 * @param timestamp the Kafka record timestamp: when ingest-api received the event
 */
public record SinkRecord(String project, String type, byte[] value, long timestamp, Headers headers) {
}
