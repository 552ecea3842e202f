package dev.sluice.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Login sessions: the login form trades the token for a random session id in a cookie, so the token
 * itself never sits in the browser. Bounded in number and lifetime; held in memory, so a restart logs
 * everyone out.
 */
final class Sessions {

    static final Duration LIFETIME = Duration.ofHours(12);
    static final int MAX_SESSIONS = 1000;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Instant> expiry = new LinkedHashMap<>();

    Sessions(Clock clock) {
        this.clock = clock;
    }

    synchronized String create() {
        dropExpired();
        if (expiry.size() >= MAX_SESSIONS) { // the oldest login goes first
            Iterator<String> oldest = expiry.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiry.put(id, clock.instant().plus(LIFETIME));
        return id;
    }

    synchronized boolean valid(String id) {
        if (id == null) {
            return false;
        }
        Instant until = expiry.get(id);
        if (until == null) {
            return false;
        }
        if (!clock.instant().isBefore(until)) {
            expiry.remove(id);
            return false;
        }
        return true;
    }

    synchronized void end(String id) {
        if (id != null) {
            expiry.remove(id);
        }
    }

    private void dropExpired() {
        Instant now = clock.instant();
        expiry.values().removeIf(until -> !now.isBefore(until));
    }
}
