package io.syncsqlite.spi;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.merge.ApplyResult;
import io.syncsqlite.merge.DeadLetterStore;
import io.syncsqlite.merge.LocalBatch;
import java.sql.SQLException;
import java.util.List;
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

    /**
     * Keeps local changes that {@code refuser} (e.g. {@code "hub https://…"}) refused, with their reasons, in the
     * dead-letter store (visible in {@code SyncConnection.status()}), instead of letting them go with their batch.
     * Call it before {@link #published} of that batch. They are offered again in a later batch once
     * {@link #limits} reports other limits for the same refuser.
     *
     * @param limits the refuser's limits as it stated them (any text; only compared for equality)
     */
    void setAside(List<DeadLetterStore.Refusal> refused, String refuser, String limits) throws SQLException;

    /** Tells the current limits of {@code refuser}; changes it refused under other limits are offered again. */
    void limits(String refuser, String limits) throws SQLException;

    /** Merges remote changes and stores the given transport cursors in the same transaction. */
    ApplyResult apply(Changeset changes, Map<String, String> cursors) throws SQLException;

    /**
     * The stream moved past changes this replica has nothing to apply for (its own, echoed back without their body):
     * the cursor is recorded without a write of its own, with the session's next write (a publication, an apply, a
     * saved cursor, or when the engine stops). A crash may forget it; the changes are then received again, and
     * applying them again changes nothing.
     */
    void advanceCursor(String key, String value);

    /** A cursor stored by {@link #apply}, {@link #saveCursor} or {@link #advanceCursor}. */
    Optional<String> cursor(String key) throws SQLException;

    void saveCursor(String key, String value) throws SQLException;

    /**
     * Streams every current version in row-aligned chunks; with {@code localOnly}, only the rows this replica wrote a
     * cell of, each whole (every cell with its own version), so a reader can build whole rows from snapshots alone.
     */
    void snapshot(boolean localOnly, int chunkChanges, Consumer<Changeset> sink) throws SQLException;

    /**
     * Counts bytes the transport sent and received (on the wire, or written to and read from a shared folder) for the
     * file's metrics ({@code SyncConnection.status()}, JMX, Micrometer).
     */
    default void countBytes(long sent, long received) {
    }

    /** Reports an event to the connection's listeners (errors that do not fail the round, progress). */
    void report(SyncEvent event);

    /**
     * The transport's coordinator may have lost the key block tag it granted this replica (a hub restored from a
     * backup): after this round the engine presents its tag again through {@link Transport#claimKeyTag}.
     */
    default void keyTagMayBeLost() {
    }

    /** Asks the engine for a round soon, e.g. after a live notification. */
    void requestSync();
}
