package io.syncsqlite;

import java.time.Instant;

/**
 * A snapshot of the sync engine's state.
 *
 * @param state       what the engine is doing
 * @param transport   the transport name, or {@code null} when only capturing
 * @param lastSuccess when the last round succeeded, or {@code null}
 * @param lastError   the last failure's message, or {@code null} once a round succeeds again
 * @param rounds      completed rounds since the engine started
 */
public record SyncStatus(State state, String transport, Instant lastSuccess, String lastError, long rounds) {
    /** Engine states. */
    public enum State {
        /** No transport configured: changes are captured, nothing is exchanged. */
        CAPTURE_ONLY,
        /**
         * Another process holds this file's sync lease: this one captures, that one publishes its writes; this engine
         * takes over when that process stops.
         */
        STANDBY,
        IDLE,
        SYNCING,
        PAUSED,
        /** The last round failed; the engine retries with backoff. */
        OFFLINE,
        STOPPED
    }
}
