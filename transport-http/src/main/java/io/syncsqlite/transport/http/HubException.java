package io.syncsqlite.transport.http;

import io.syncsqlite.transport.hub.HubPush;
import java.io.IOException;
import java.time.Duration;

/** The hub answered with an error status; the message is the hub's own explanation. */
final class HubException extends IOException {
    private final int status;
    private final Duration retryAfter;

    HubException(int status, String message, Duration retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    /** How long the hub asked the client to wait (429/503 with Retry-After), or {@code null}. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** The hub refused this batch's content (malformed, not admissible, too large): resending it cannot succeed. */
    boolean rejectsContent() {
        return HubPush.Refused.isContentStatus(status);
    }
}
