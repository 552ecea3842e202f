package dev.sluice.sink;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * Where reading starts when a group has no committed offset: {@code earliest}, {@code latest}, an
 * ISO-8601 instant, or (replay only) an offset.
 */
public record StartPosition(Kind kind, Instant instant, long offset) {

    /** The ways to say where to start. */
    public enum Kind { EARLIEST, LATEST, INSTANT, OFFSET }

    public static StartPosition parse(String text, String what) {
        String t = text.trim();
        if (t.equalsIgnoreCase("earliest")) {
            return new StartPosition(Kind.EARLIEST, null, -1);
        }
        if (t.equalsIgnoreCase("latest")) {
            return new StartPosition(Kind.LATEST, null, -1);
        }
        if (t.matches("\\d+")) {
            return new StartPosition(Kind.OFFSET, null, Long.parseLong(t));
        }
        try {
            return new StartPosition(Kind.INSTANT, Instant.parse(t), -1);
        } catch (DateTimeParseException e) {
            throw new dev.sluice.runtime.EnvReader.ConfigException(what + "=" + text
                    + ": expected earliest, latest, an offset or an ISO-8601 instant (2026-11-01T00:00:00Z)");
        }
    }

    public OptionalLong offsetValue() {
        return kind == Kind.OFFSET ? OptionalLong.of(offset) : OptionalLong.empty();
    }
}
