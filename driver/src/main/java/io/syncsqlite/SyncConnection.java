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

    /**
     * Runs {@code setup} on the sync engine's own connection to this file: now if the engine runs, and every time an
     * engine starts for the file. Register there what the schema needs and only the application knows: custom
     * functions and collations ({@code org.sqlite.Function.create(c, …)}, {@code Collation.create(c, …)}) used by
     * indexes, CHECK constraints, generated columns or triggers. Without them a remote change that needs one is kept
     * pending and reported as an {@code ERROR} event naming it. {@code PRAGMA foreign_keys} set on an application
     * connection is carried over by the driver.
     */
    void onEngineConnection(EngineConnectionSetup setup) throws SQLException;

    /** Initialises the sync engine's connection (see {@link #onEngineConnection}). */
    @FunctionalInterface
    interface EngineConnectionSetup {
        void setUp(java.sql.Connection engineConnection) throws SQLException;
    }
}
