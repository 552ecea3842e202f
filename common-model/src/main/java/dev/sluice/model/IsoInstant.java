package dev.sluice.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
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
        Instant utc = parseUtcFast(text);
        return utc != null ? Optional.of(utc) : parseWithFormatter(text);
    }

    /** The general path: any offset, or none. */
    static Optional<Instant> parseWithFormatter(String text) {
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

    /**
     * The form SDKs send nearly always, {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, read without the
     * formatter machinery (which costs about a microsecond a field, on every event in ingest and in
     * the router). Null for anything else, which then takes the formatter's path; the two agree on
     * every text this accepts (tested).
     */
    static Instant parseUtcFast(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-'
                || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (t.charAt(19) != '.' || n == 21) {
                return null;
            }
            int fraction = n - 21;
            int value = digits(t, 20, fraction);
            if (value < 0) {
                return null;
            }
            nanos = value * (int) Math.pow(10, 9 - fraction);
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The non-negative number written by {@code length} ASCII digits at {@code from}, or -1. */
    private static int digits(String t, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Parses a JSON field; empty when absent, not text, or not a timestamp. */
    public static Optional<Instant> parse(JsonNode node) {
        return node != null && node.isTextual() ? parse(node.asText()) : Optional.empty();
    }

    /**
     * Formats as Segment does: UTC, millisecond precision. Instants in range are written by hand (the
     * router writes four per event, and java.time's formatter costs a microsecond each); any other
     * falls back to the formatter.
     */
    public static String format(Instant instant) {
        if (!inRange(instant)) {
            return OUT.format(instant.truncatedTo(ChronoUnit.MILLIS));
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        char[] out = new char[24];
        put(out, 0, t.getYear(), 4);
        out[4] = '-';
        put(out, 5, t.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, t.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, t.getHour(), 2);
        out[13] = ':';
        put(out, 14, t.getMinute(), 2);
        out[16] = ':';
        put(out, 17, t.getSecond(), 2);
        out[19] = '.';
        put(out, 20, instant.getNano() / 1_000_000, 3);
        out[23] = 'Z';
        return new String(out);
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The formatter's way, for comparison in tests. */
    static String formatWithFormatter(Instant instant) {
        return OUT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }
}
