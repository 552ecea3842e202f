package dev.sluice.ingest;

/** A request Sluice refuses, with the HTTP status and a stable code for the JSON error body. */
public final class IngestException extends RuntimeException {

    private final int status;
    private final String code;

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
}
