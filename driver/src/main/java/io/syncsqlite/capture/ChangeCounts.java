package io.syncsqlite.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps the update counts xerial reports blind to the driver's own writes, so they equal plain {@code jdbc:sqlite:}.
 * <ul>
 * <li>{@code Statement.executeUpdate(String)} is {@code total_changes()} before and after (to support scripts), which
 * also counts capture-trigger writes. A per-connection TEMP trigger counts outbox appends; each costs exactly
 * {@link #WRITES_PER_CAPTURE} changes (its version row, the outbox row, and this counter), which callers subtract.</li>
 * <li>xerial reads {@code changes()} after a statement that is not DML (DDL answers the last DML's count), so the
 * instrumentation that follows DDL must leave {@code changes()} as it found it: {@link #preserving}.</li>
 * </ul>
 * Both helpers live in the connection's TEMP schema under the {@code _syncsqlite_} prefix, invisible to other
 * connections and hidden from metadata.
 */
public final class ChangeCounts {
    /** Changes one captured row write adds to {@code total_changes()}: version row + outbox row + counter update. */
    public static final long WRITES_PER_CAPTURE = 3;
    /** Unqualified for use inside the trigger (SQLite forbids qualified names there; TEMP resolves first). */
    private static final String COUNTER_NAME = Sql.quote(Sql.PREFIX + "captured");
    private static final String COUNTER = "temp." + COUNTER_NAME;
    private static final String FILLER = "temp." + Sql.quote(Sql.PREFIX + "changes");

    private ChangeCounts() {
    }

    /** Installs the capture counter on a new application connection (after the metadata tables exist). */
    public static void install(Connection c) throws SQLException {
        preserving(c, () -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE IF NOT EXISTS " + COUNTER + "(n INTEGER NOT NULL)");
                s.execute("INSERT INTO " + COUNTER + "(n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM " + COUNTER + ")");
                s.execute("CREATE TEMP TRIGGER IF NOT EXISTS " + Sql.quote(Sql.PREFIX + "count_captured") + " AFTER INSERT ON main."
                        + Sql.quote(MetaTables.OUTBOX) + " BEGIN UPDATE " + COUNTER_NAME + " SET n = n + 1; END");
            }
            return null;
        });
    }

    /** Outbox rows this connection appended so far (0 when no counter is installed, e.g. on the engine's connection). */
    public static long captured(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n FROM " + COUNTER)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Runs {@code work} and then sets {@code changes()} back to what it answered before. */
    public static <T> T preserving(Connection c, Transactions.SqlWork<T> work) throws SQLException {
        long before = changes(c);
        T result = work.run();
        if (changes(c) != before) restore(c, before);
        return result;
    }

    private static long changes(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT changes()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code changes()} is the row count of the last INSERT/UPDATE/DELETE: insert n rows, then delete those n. */
    private static void restore(Connection c, long n) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + FILLER + "(x)");
            if (n > 0) {
                s.execute("INSERT INTO " + FILLER + "(x) WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < " + n
                        + ") SELECT i FROM r");
            }
            s.execute("DELETE FROM " + FILLER);
        }
    }
}
