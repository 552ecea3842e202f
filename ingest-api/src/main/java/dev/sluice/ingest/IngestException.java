package dev.sluice.ingest;

/** A request Sluice refuses, with the HTTP status and a stable code for the JSON error body. */
public final class IngestException extends RuntimeException {

    private final int status;
    private final String code;
    private long retryAfterSeconds;

    public IngestException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
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
        IngestException e = new IngestException(429, "rate_limited", message);
        e.retryAfterSeconds = waitSeconds;
        return e;
    }

    /** Seconds to wait before retrying, for a 429; 0 otherwise. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
