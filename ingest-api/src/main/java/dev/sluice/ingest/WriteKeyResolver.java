package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the project a request belongs to: the HTTP Basic user name if an Authorization header is
 * sent, else the body's {@code writeKey} (batch envelope, then the first event), as WIRE.md §1.2.
 */
public final class WriteKeyResolver {

    private final Map<String, String> projectsByWriteKey;

    public WriteKeyResolver(Map<String, String> projectsByWriteKey) {
        this.projectsByWriteKey = Map.copyOf(projectsByWriteKey);
    }

    /**
     * The projectId, or a 401 saying whether the key was missing or unknown.
     *
     * @param bodyWriteKey the writeKey found in the body (batch envelope, else first event), or null
     */
    public String resolve(String authorizationHeader, String bodyWriteKey) {
        String key = fromBasic(authorizationHeader)
                .or(() -> bodyWriteKey == null || bodyWriteKey.isEmpty() ? Optional.empty() : Optional.of(bodyWriteKey))
                .orElseThrow(WriteKeyResolver::missing);
        return project(key).orElseThrow(WriteKeyResolver::unknown);
    }

    /** The project of a writeKey, if it is one. */
    public Optional<String> project(String writeKey) {
        return Optional.ofNullable(projectsByWriteKey.get(writeKey));
    }

    static IngestException missing() {
        return new IngestException(401, "missing_write_key",
                "no writeKey: send HTTP Basic auth with the writeKey as user name, or a writeKey field");
    }

    static IngestException unknown() {
        return new IngestException(401, "invalid_write_key", "unknown writeKey");
    }

    static Optional<String> fromBasic(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            // Segment accepts "key" without the colon too, for backward compatibility
            String user = colon >= 0 ? decoded.substring(0, colon) : decoded;
            return user.isEmpty() ? Optional.empty() : Optional.of(user);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
