package dev.sluice.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads typed settings from environment variables, failing with a message that names the variable,
 * the bad value and what is expected. Every service's config record is built with one.
 */
public final class EnvReader {

    private final Map<String, String> env;

    public EnvReader(Map<String, String> env) {
        this.env = env;
    }

    /** The raw value, or null when unset or blank. */
    public String raw(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** Whether any of the variables has a value. */
    public boolean anySet(String... names) {
        for (String name : names) {
            if (raw(name) != null) {
                return true;
            }
        }
        return false;
    }

    public String string(String name, String defaultValue) {
        String v = raw(name);
        return v == null ? defaultValue : v;
    }

    /** Like {@link #string} but an explicitly empty value stays empty (for prefixes). */
    public String stringAllowEmpty(String name, String defaultValue) {
        String v = env.get(name);
        return v == null ? defaultValue : v.trim();
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new ConfigException(name + "=" + v + ": must be between " + min + " and " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "=" + v + ": not an integer");
        }
    }

    public double decimal(String name, double defaultValue, double min) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(v);
            if (d < min || Double.isNaN(d) || Double.isInfinite(d)) {
                throw new ConfigException(name + "=" + v + ": must be a number >= " + min);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "=" + v + ": not a number");
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(name + "=" + v + ": expected true or false");
        };
    }

    /** An ISO-8601 duration such as {@code PT10S} or {@code PT24H}. */
    public Duration duration(String name, Duration defaultValue) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            Duration d = Duration.parse(v);
            if (d.isNegative()) {
                throw new ConfigException(name + "=" + v + ": must not be negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new ConfigException(name + "=" + v + ": not an ISO-8601 duration (e.g. PT10S, PT24H)");
        }
    }

    /**
     * {@code key=value} pairs from variable {@code name} (comma-separated) merged with those in the
     * file named by {@code fileName} (one pair a line, {@code #} comments); the file wins on conflicts.
     */
    public Map<String, String> pairs(String name, String fileName) {
        Map<String, String> out = new LinkedHashMap<>();
        String inline = raw(name);
        if (inline != null) {
            parsePairs(name, List.of(inline.split(",")), out);
        }
        String file = fileName == null ? null : raw(fileName);
        if (file != null) {
            try {
                parsePairs(fileName + " (" + file + ")", Files.readAllLines(Path.of(file)), out);
            } catch (IOException e) {
                throw new ConfigException(fileName + "=" + file + ": cannot read file: " + e.getMessage());
            }
        }
        return out;
    }

    private static void parsePairs(String source, List<String> entries, Map<String, String> out) {
        for (String entry : entries) {
            String e = entry.trim();
            if (e.isEmpty() || e.startsWith("#")) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new ConfigException(source + ": '" + e + "' is not a key=value pair");
            }
            out.put(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
        }
    }

    /** A setting that cannot be used; the message names the variable. */
    public static final class ConfigException extends IllegalArgumentException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
