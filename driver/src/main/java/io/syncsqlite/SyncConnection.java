package io.syncsqlite;

import java.sql.SQLException;

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
}
