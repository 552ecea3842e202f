package dev.sluice.model;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/** Headers on Sluice's records so consumers can filter by project, type and message without parsing JSON. */
public final class EventHeaders {

    public static final String PROJECT = "sluice.project";
    public static final String TYPE = "sluice.type";
    public static final String MESSAGE_ID = "sluice.message-id";

    private EventHeaders() {
    }

    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
