package dev.sluice.ingest;

import java.util.Optional;

/**
 * Who may send, and how much, decided as early and as cheaply as possible. A request with a Basic
 * writeKey is authenticated and rate-checked before its body is read. One without (server SDKs
 * send the key in the body) is read first, unless its client address has failed to authenticate
 * too often lately: then it gets a 429 without a byte of its body read, so guessing writeKeys or
 * flooding with junk costs the sender, not the service. A valid Basic key is never held back by
 * its address's failures (many clients can share one address behind a proxy).
 */
final class RequestGate {

    private final WriteKeyResolver writeKeys;
    private final RateLimiter perProject;
    private final RateLimiter failedAuthPerAddress;

    RequestGate(WriteKeyResolver writeKeys, double perProjectPerSecond, double failedAuthPerAddressPerSecond) {
        this.writeKeys = writeKeys;
        this.perProject = new RateLimiter(perProjectPerSecond);
        this.failedAuthPerAddress = new RateLimiter(failedAuthPerAddressPerSecond);
    }

    /** Before the body: the project if the Authorization header names one (rate-checked), else empty. */
    Optional<String> beforeBody(String authorization, String address, long nowNanos) {
        Optional<String> key = WriteKeyResolver.fromBasic(authorization);
        if (key.isPresent()) {
            return Optional.of(admit(key.get(), address, nowNanos));
        }
        refuseIfOverLimit(failedAuthPerAddress.waitFor(address, nowNanos), "too many requests without a valid "
                + "writeKey from this address");
        return Optional.empty();
    }

    /** After the body: the project from the header, else from the body's writeKey. */
    String afterBody(Optional<String> fromHeader, String bodyWriteKey, String address, long nowNanos) {
        if (fromHeader.isPresent()) {
            return fromHeader.get();
        }
        if (bodyWriteKey == null || bodyWriteKey.isEmpty()) {
            failedAuthPerAddress.acquire(address, nowNanos);
            throw WriteKeyResolver.missing();
        }
        return admit(bodyWriteKey, address, nowNanos);
    }

    private String admit(String key, String address, long nowNanos) {
        Optional<String> project = writeKeys.project(key);
        if (project.isEmpty()) {
            failedAuthPerAddress.acquire(address, nowNanos);
            throw WriteKeyResolver.unknown();
        }
        refuseIfOverLimit(perProject.acquire(project.get(), nowNanos), "too many requests for this project");
        return project.get();
    }

    private static void refuseIfOverLimit(long waitSeconds, String why) {
        if (waitSeconds > 0) {
            throw IngestException.rateLimited(waitSeconds, why + "; retry in " + waitSeconds + " s");
        }
    }
}
