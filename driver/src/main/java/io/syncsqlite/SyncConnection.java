package io.syncsqlite;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Control and observation of syncing, reached without new SQL:
 * {@code connection.unwrap(SyncConnection.class)}. Every connection to the same database file in a JVM shares one
 * sync engine, so these calls act on that engine.
 */
public interface SyncConnection {
    /** Runs one sync round now (push, then pull) and waits for it; throws when the round fails. */
    SyncResult syncNow() throws SQLException;

    SyncStatus status();

    /** Listeners are called on the engine's thread; they must not block. */
    void addListener(SyncListener listener);

    void removeListener(SyncListener listener);

    /** Stops background rounds until {@link #resume()}; local writes go on being captured. */
    void pause();

    void resume();

    /** This replica's 128-bit site id as 32 hex digits. */
    String siteId() throws SQLException;

    /**
     * Runs {@code setup} on the sync engine's own connection to this file: now if the engine runs, and every time an
     * engine starts for the file. Functions (scalar, aggregate, window) and collations the application registers on
     * any of its open connections of the file ({@code org.sqlite.Function.create(c, …)}, {@code Collation.create(c, …)})
     * reach the engine without this, as do {@code PRAGMA foreign_keys}, {@code recursive_triggers},
     * {@code ignore_check_constraints}, {@code case_sensitive_like} and {@code trusted_schema} (see
     * docs/compatibility.md); register here what the schema needs when no application connection has it open, or an
     * aggregate over more values than a relay takes. Without them a remote change that needs one is kept pending and
     * reported as an {@code ERROR} event naming it.
     */
    void onEngineConnection(EngineConnectionSetup setup) throws SQLException;

    /**
     * Compacts the database file: runs a sync round, removes the metadata of deleted rows that every site has seen
     * (when the transport can tell, see docs/write-cost.md; rounds also do this on their own every few minutes), then
     * gives the file's free pages back ({@code VACUUM}). Rewriting the file holds the application's writes for as long
     * as it takes, so call it when the application can wait.
     *
     * @throws SQLException 25001 inside an open transaction of this connection, as {@link #syncNow()}
     */
    Compaction compact() throws SQLException;

    // --- the way out of every parked state (see docs/constraints.md) ---

    /**
     * Up to {@code limit} rows whose remote changes this replica keeps pending, oldest first. Changes wait for a table
     * or column this replica does not have yet, for the rest of a row or of a batch that a constraint needs, or for the
     * clock; they are retried by every round that may help.
     *
     * @throws SQLException 22023 when {@code limit} is below 1
     */
    List<PendingRow> pending(int limit) throws SQLException;

    /** Up to {@code limit} local changes refused on their way out (see {@link DeadLetter}), oldest first. */
    List<DeadLetter> deadLetters(int limit) throws SQLException;

    /** Up to {@code limit} rows that lost a conflict between replicas and were kept (see {@link Conflict}), oldest first. */
    List<Conflict> conflicts(int limit) throws SQLException;

    /**
     * Tries every pending change again now: a sync round of the file's engine that retries them first, or, with no
     * engine (no transport), a retry on this file directly. Returns how many rows are still pending afterwards.
     *
     * @throws SQLException 25001 inside an open transaction of this connection, as {@link #syncNow()}
     */
    int retryPending() throws SQLException;

    /**
     * Gives up on the pending changes of one row: they move to {@code _syncsqlite_archived} with the reason
     * "discarded by the application" (kept for inspection, never retried). Nothing changes in the row here or on other
     * replicas. Returns how many changes were discarded, 0 when none waited for that row.
     */
    int discardPending(String table, List<Object> key) throws SQLException;

    /** Offers dead letter {@code id} again at the next push; false when no dead letter has that id. */
    boolean retryDeadLetter(long id) throws SQLException;

    /**
     * Forgets dead letter {@code id}: the local write stays in this database but is not published. False when no dead
     * letter has that id.
     */
    boolean discardDeadLetter(long id) throws SQLException;

    /** Forgets conflict record {@code id} (the application has dealt with it); false when no record has that id. */
    boolean discardConflict(long id) throws SQLException;

    /**
     * Writes the loser of conflict {@code id} back as a new write of this replica (captured and synced like any other),
     * its recorded values first overridden by {@code changes} (column name to value; a new email, say, since the old one
     * is held by the winner). The row is inserted when absent, updated when present, and the record removed in the same
     * transaction. A row that lost its very key (another replica created a row with the same key the driver chose, see
     * {@code docs/constraints.md}) is inserted under a new key the driver picks. When a constraint still refuses the
     * row, SQLite's error is thrown and nothing changes.
     *
     * @return the key of the restored row
     * @throws SQLException 02000 when no record has that id; 42S22 when {@code changes} names a column the table lacks
     */
    List<Object> restoreConflict(long id, Map<String, Object> changes) throws SQLException;

    /** Initialises the sync engine's connection (see {@link #onEngineConnection}). */
    @FunctionalInterface
    interface EngineConnectionSetup {
        void setUp(java.sql.Connection engineConnection) throws SQLException;
    }
}
