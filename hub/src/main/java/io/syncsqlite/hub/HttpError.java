package io.syncsqlite.hub;

/** A request the hub refuses, with the HTTP status and a message the client can show as is. */
class HttpError extends Exception {
    private final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
