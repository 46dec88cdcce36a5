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
    /** Rows numbered 1..n, as many as the largest {@code changes()} restored on the connection so far. */
    private static final String COUNTED = "temp._syncsqlite_counted";
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

    /**
     * Puts back both values: {@link #restoreLastRowid}, then an {@code UPDATE} of exactly {@code changes} rows of a
     * scratch table kept for the connection (grown once to the largest count restored: an update of a row costs a
     * fraction of inserting one, which matters after a large statement, such as the copy of a table rebuild).
     */
    void restore(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (changes > 1) {
                s.execute("CREATE TEMP TABLE IF NOT EXISTS " + COUNTED.substring(5) + "(x)");
                try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE n(i) AS (SELECT coalesce((SELECT max(rowid) FROM " + COUNTED + "), 0) + 1"
                        + " UNION ALL SELECT i + 1 FROM n WHERE i < ?1) INSERT INTO " + COUNTED + "(rowid) SELECT i FROM n WHERE i <= ?1")) {
                    ps.setLong(1, changes);
                    ps.executeUpdate();
                }
            }
            restoreLastRowid(c); // leaves changes() at 1
            if (changes == 0) s.execute("DELETE FROM " + SCRATCH + " WHERE 0");
            if (changes > 1) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + COUNTED + " SET x = NULL WHERE rowid <= ?")) {
                    ps.setLong(1, changes);
                    ps.executeUpdate();
                }
            }
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
}
