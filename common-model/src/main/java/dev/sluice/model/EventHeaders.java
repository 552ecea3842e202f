package dev.sluice.model;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers on Sluice's records so consumers can filter by project, type and message without parsing
 * JSON; and the one place that reads and writes header text.
 */
public final class EventHeaders {

    public static final String PROJECT = "sluice.project";
    public static final String TYPE = "sluice.type";
    public static final String MESSAGE_ID = "sluice.message-id";

    private EventHeaders() {
    }

    /** Reads a header as UTF-8 text; null when absent. */
    public static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Sets a header, replacing earlier values of it; a null value removes it. */
    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
