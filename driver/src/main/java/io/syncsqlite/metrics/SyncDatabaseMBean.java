package io.syncsqlite.metrics;

/**
 * The JMX view of one database file's sync engine, registered as
 * {@code io.syncsqlite:type=SyncDatabase,file="<absolute path>"} while the engine runs. The same numbers as
 * {@code SyncConnection.status()}.
 */
public interface SyncDatabaseMBean {
    /** The database file. */
    String getFile();

    /** What the engine is doing ({@code IDLE}, {@code SYNCING}, {@code OFFLINE}, …). */
    String getState();

    /** The transport's name. */
    String getTransport();

    /** Local changes not yet published, as counted after the last round. */
    long getUnpublishedChanges();

    /** Remote changes kept pending (a schema this replica lacks, a constraint, clock drift). */
    long getPendingChanges();

    /** Local changes refused on their way out and kept. */
    long getDeadLetters();

    /** Rows that lost a conflict, kept for the application, as counted after the last round. */
    long getConflicts();

    long getChangesSent();

    long getChangesReceived();

    long getBytesSent();

    long getBytesReceived();

    /** Completed rounds since the engine started. */
    long getRounds();

    /** When the last round succeeded (ISO-8601), or {@code null}. */
    String getLastSuccessfulRound();

    /**
     * Seconds since the last successful round, which pulled everything the hub or folder had: how far behind them
     * this replica may be at most; -1 before the first success.
     */
    double getLagSeconds();

    /** The last failure's message, or {@code null} once a round succeeds again. */
    String getLastError();
}
