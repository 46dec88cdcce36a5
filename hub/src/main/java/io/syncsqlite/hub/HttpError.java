package io.syncsqlite.hub;

/**
 * A request the hub refuses, with the HTTP status and a message the client can show as is; for a refusal that passes
 * (busy, shutting down), the seconds after which to try again ({@code Retry-After}).
 */
class HttpError extends Exception {
    private final int status;
    private final int retryAfterSeconds;

    HttpError(int status, String message) {
        this(status, message, 0);
    }

    HttpError(int status, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    /** Seconds the client should wait before it tries again, 0 for a refusal that does not pass by waiting. */
    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
