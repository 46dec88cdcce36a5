package io.syncsqlite;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the sync engine's state.
 *
 * @param state       what the engine is doing
 * @param transport   the transport name, or {@code null} when only capturing
 * @param lastSuccess when the last round succeeded, or {@code null}
 * @param lastError   the last failure's message, or {@code null} once a round succeeds again
 * @param rounds      completed rounds since the engine started
 * @param waiting     remote changes this replica keeps pending, grouped by table, column and reason (a schema this
 *                    replica does not have yet, a constraint, clock drift); empty when none waits
 * @param deadLetters local changes refused on their way out (over a limit of the wire format or of a hub), kept in
 *                    {@code _syncsqlite_deadletters} with the reason and offered again when the limits change;
 *                    each was reported as an {@code ERROR} event
 * @param unpublished local changes not yet published, as counted after the engine's last round
 * @param conflicts   rows that lost a conflict and are kept for the application in {@code _syncsqlite_conflicts}, as
 *                    counted after the engine's last round
 * @param changesSent     changes published since the engine started
 * @param changesReceived remote changes received since the engine started
 * @param bytesSent       bytes the transport sent (or wrote to a shared folder) since the engine started
 * @param bytesReceived   bytes the transport received (or read from a shared folder) since the engine started
 */
public record SyncStatus(State state, String transport, Instant lastSuccess, String lastError, long rounds, List<Waiting> waiting,
                         long deadLetters, long unpublished, long conflicts, long changesSent, long changesReceived, long bytesSent,
                         long bytesReceived) {
    public SyncStatus {
        waiting = List.copyOf(waiting);
    }

    /** A status without traffic and backlog counts. */
    public SyncStatus(State state, String transport, Instant lastSuccess, String lastError, long rounds, List<Waiting> waiting, long deadLetters) {
        this(state, transport, lastSuccess, lastError, rounds, waiting, deadLetters, 0, 0, 0, 0, 0, 0);
    }

    /** A status with nothing waiting and no dead letters. */
    public SyncStatus(State state, String transport, Instant lastSuccess, String lastError, long rounds) {
        this(state, transport, lastSuccess, lastError, rounds, List.of(), 0);
    }

    /** A status with no dead letters. */
    public SyncStatus(State state, String transport, Instant lastSuccess, String lastError, long rounds, List<Waiting> waiting) {
        this(state, transport, lastSuccess, lastError, rounds, waiting, 0);
    }

    /** Remote changes kept pending, all reasons together (the sum of {@link #waiting()}). */
    public long pending() {
        return waiting.stream().mapToLong(Waiting::changes).sum();
    }

    /**
     * Time since the last successful round, which pulled everything the hub or shared folder had: how far behind them
     * this replica may be at most; {@code null} before the first success.
     */
    public java.time.Duration lag() {
        return lastSuccess == null ? null : java.time.Duration.between(lastSuccess, Instant.now());
    }

    /**
     * Remote changes kept pending for one reason.
     *
     * @param table   the table the changes are for
     * @param column  the column, when the reason is about one (a column this replica does not have yet), else null
     * @param changes how many changes wait
     * @param reason  why they wait, naming table and column
     */
    public record Waiting(String table, String column, long changes, String reason) {
    }

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
