package io.syncsqlite.spi;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.merge.ApplyResult;
import io.syncsqlite.merge.LocalBatch;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a transport may do with the local database. Methods are thread-safe; none holds SQLite's write lock longer
 * than the local work it does, so a transport must do its network I/O between calls, never inside a callback.
 */
public interface SyncSession {
    String siteId();

    SyncConfig config();

    /** The next unpublished local changes (up to {@code sync.batchSize} rows); empty when all are published. */
    LocalBatch nextLocalBatch() throws SQLException;

    /** Marks a batch as durably published, so it is not offered again. */
    void published(LocalBatch batch) throws SQLException;

    /** Merges remote changes and stores the given transport cursors in the same transaction. */
    ApplyResult apply(Changeset changes, Map<String, String> cursors) throws SQLException;

    /** A cursor stored by {@link #apply} or {@link #saveCursor}. */
    Optional<String> cursor(String key) throws SQLException;

    void saveCursor(String key, String value) throws SQLException;

    /** Streams every current version (only this replica's own when {@code localOnly}) in row-aligned chunks. */
    void snapshot(boolean localOnly, int chunkChanges, Consumer<Changeset> sink) throws SQLException;

    /** Reports an event to the connection's listeners (errors that do not fail the round, progress). */
    void report(SyncEvent event);

    /** Asks the engine for a round soon, e.g. after a live notification. */
    void requestSync();
}
