package io.syncsqlite.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The per-connection values {@code changes()} and {@code last_insert_rowid()}, saved before the driver runs its own
 * instrumentation on the application's connection (inside the application's transaction) and put back afterwards,
 * so the application observes what it would have observed with plain xerial.
 */
final class ConnectionState {
    private static final String SCRATCH = "temp._syncsqlite_restore";
    private final long changes;
    private final long lastRowid;

    private ConnectionState(long changes, long lastRowid) {
        this.changes = changes;
        this.lastRowid = lastRowid;
    }

    static ConnectionState save(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT changes(), last_insert_rowid()")) {
            rs.next();
            return new ConnectionState(rs.getLong(1), rs.getLong(2));
        }
    }

    /** Puts back the saved {@code last_insert_rowid()} alone; {@code changes()} is left at 1. */
    void restoreLastRowid(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + SCRATCH.substring(5) + "(x)");
            s.execute("DELETE FROM " + SCRATCH);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + SCRATCH + "(rowid) VALUES (?)")) {
                ps.setLong(1, lastRowid);
                ps.executeUpdate();
            }
            s.execute("DELETE FROM " + SCRATCH);
        }
    }

    /**
     * Inserts {@code max(changes, 1)} scratch rows, the last one with rowid {@code last_insert_rowid()}, then deletes
     * them: SQLite then reports exactly the saved values again.
     */
    void restore(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + SCRATCH.substring(5) + "(x)");
            s.execute("DELETE FROM " + SCRATCH);
            long rows = Math.max(changes, 1);
            try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                    + " INSERT INTO " + SCRATCH + "(rowid) SELECT CASE WHEN i = ? THEN ? ELSE ? - i END FROM n ORDER BY i")) {
                ps.setLong(1, rows);
                ps.setLong(2, rows);
                ps.setLong(3, lastRowid);
                ps.setLong(4, lastRowid - rows - 1);
                ps.executeUpdate();
            }
            s.execute("DELETE FROM " + SCRATCH);
            if (changes == 0) s.execute("DELETE FROM " + SCRATCH + " WHERE 0");
        }
    }
}
