package dev.sluice.console;

import dev.sluice.runtime.EnvReader.ConfigException;
import dev.sluice.runtime.EnvReader;
import dev.sluice.runtime.KafkaSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Everything the console reads from its environment, validated at start.
 *
 * @param bind address the console listens on: loopback unless configured
 * @param token the access token; null only when {@code bind} is a loopback address
 * @param historyPerPartition records read back from the end of each partition at start
 * @param indexSize events kept in memory per kind (routed, rejected, received)
 */
public record ConsoleConfig(KafkaSettings kafka, String bind, int port, String token,
                            int historyPerPartition, int indexSize) {

    /** A token shorter than this is too easy to guess for something that shows payloads. */
    static final int MIN_TOKEN_LENGTH = 16;

    public ConsoleConfig {
        if (token != null && token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigException("SLUICE_CONSOLE_TOKEN: must be at least " + MIN_TOKEN_LENGTH
                    + " characters (e.g. openssl rand -hex 24)");
        }
        if (token == null && !isLoopback(bind)) {
            throw new ConfigException("SLUICE_CONSOLE_TOKEN is required when SLUICE_CONSOLE_BIND=" + bind
                    + " is not a loopback address: the console shows event payloads; set a long random token "
                    + "(e.g. openssl rand -hex 24) or bind to 127.0.0.1");
        }
    }

    public static ConsoleConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        return new ConsoleConfig(
                KafkaSettings.fromEnv(r),
                r.string("SLUICE_CONSOLE_BIND", "127.0.0.1"),
                r.integer("SLUICE_CONSOLE_PORT", 9090, 0, 65535),
                r.raw("SLUICE_CONSOLE_TOKEN"),
                r.integer("SLUICE_CONSOLE_HISTORY", 200, 0, 100_000),
                r.integer("SLUICE_CONSOLE_INDEX_SIZE", 10_000, 10, 1_000_000));
    }

    /** Whether only this host can reach the console: then it needs no token. */
    public boolean loopbackOnly() {
        return isLoopback(bind);
    }

    static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("SLUICE_CONSOLE_BIND=" + bind + ": not an address of this host");
        }
    }

    @Override
    public String toString() { // never the token, e.g. in a log line
        return "ConsoleConfig[kafka=" + kafka + ", bind=" + bind
                + ", port=" + port + ", token=" + (token == null ? "none" : "set") + ", historyPerPartition="
                + historyPerPartition + ", indexSize=" + indexSize + "]";
    }
}
