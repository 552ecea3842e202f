package dev.sluice.ingest;

/** A request Sluice refuses, with the HTTP status and a stable code for the JSON error body. */
public final class IngestException extends RuntimeException {

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public IngestException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    private IngestException(int status, String code, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static IngestException badRequest(String code, String message) {
        return new IngestException(400, code, message);
    }

    /** A 429 whose response carries {@code Retry-After: waitSeconds}. */
    public static IngestException rateLimited(long waitSeconds, String message) {
        return new IngestException(429, "rate_limited", message, waitSeconds);
    }

    /** Seconds to wait before retrying, for a 429; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
