package dev.sluice.model;

import java.util.Locale;
import java.util.Optional;

/** The six Segment call types, with their wire names. */
public enum EventType {
    TRACK, IDENTIFY, PAGE, SCREEN, GROUP, ALIAS;

    /** The lower-case name used in the {@code type} field, routes and topic names. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@code type} field value; empty when it is not one of the six. */
    public static Optional<EventType> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (EventType t : values()) {
            if (t.wireName().equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** analytics.js posts single events to {@code /v1/t}, {@code /v1/i}, …: the type's first letter. */
    public static Optional<EventType> fromInitial(String letter) {
        if (letter == null || letter.length() != 1) {
            return Optional.empty();
        }
        for (EventType t : values()) {
            if (t.wireName().startsWith(letter)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
