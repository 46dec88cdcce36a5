package io.syncsqlite.jdbc;

import io.syncsqlite.capture.MetaTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Takes the main database's write lock inside the application's open transaction the way the application's own
 * write would: waiting on the busy handler while another connection or process holds it. The driver does this before
 * work of its own that reads and then writes inside that transaction (around a {@code DROP TABLE} or
 * {@code DROP COLUMN}): reading first would start a read snapshot, and SQLite fails a write from a snapshot another
 * process has made stale (or whose upgrade meets a held lock) at once with {@code SQLITE_BUSY}, without waiting.
 */
final class WriteLock {
    /** A write that changes nothing; where the driver has no metadata it does not compile, and reads nothing. */
    private static final String NO_OP_WRITE = "UPDATE main." + MetaTables.CLOCK + " SET floor = floor WHERE 0";

    private WriteLock() {
    }

    /**
     * Takes the write lock for {@code c}'s open transaction; returns {@code false}, having done nothing, when the
     * database has no driver metadata. The no-op write sets {@code changes()} to 0: callers save and restore it.
     */
    static boolean takeIfSynced(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(NO_OP_WRITE);
            return true;
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) return false;
            throw e;
        }
    }
}
