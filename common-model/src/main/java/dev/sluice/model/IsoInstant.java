package dev.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** Reads and writes the ISO-8601 timestamps of Segment payloads. */
public final class IsoInstant {

    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** The first instant Sluice accepts: 0001-01-01T00:00:00Z (four-digit years only, as Segment writes them). */
    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    /** The last instant Sluice accepts: the end of 9999. */
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

    private IsoInstant() {
    }

    /** Whether an instant formats as a four-digit-year timestamp and reads back the same. */
    public static boolean inRange(Instant instant) {
        return !instant.isBefore(MIN) && !instant.isAfter(MAX);
    }

    /**
     * Parses an offset date-time ("…Z", "…+02:00"); a zone-less one is taken as UTC, as SDKs mean it.
     * Empty when it is not one, or falls outside {@link #MIN}–{@link #MAX}.
     */
    public static Optional<Instant> parse(String text) {
        return parseAnyYear(text).filter(IsoInstant::inRange);
    }

    private static Optional<Instant> parseAnyYear(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException offsetMissing) {
            try {
                return Optional.of(LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }

    /** Parses a JSON field; empty when absent, not text, or not a timestamp. */
    public static Optional<Instant> parse(JsonNode node) {
        return node != null && node.isTextual() ? parse(node.asText()) : Optional.empty();
    }

    /** Formats as Segment does: UTC, millisecond precision. */
    public static String format(Instant instant) {
        return OUT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }
}
