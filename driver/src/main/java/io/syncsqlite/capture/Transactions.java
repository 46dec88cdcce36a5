package io.syncsqlite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs work in an SQLite transaction: joins the caller's when the connection is already in one (begun in JDBC, or in
 * SQL), else opens its own with explicit {@code BEGIN} so the mode (deferred for reads, {@code IMMEDIATE} for writes)
 * is ours to choose.
 */
public final class Transactions {
    private static final System.Logger LOG = System.getLogger(Transactions.class.getName());

    /** Work that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Hears the commits of the write transactions a thread runs (the sync engine's slices, see
     * {@link io.syncsqlite.engine.WriteGate}): {@link #beforeCommit} may refuse one by throwing, which rolls it back.
     */
    public interface CommitGuard {
        void beforeCommit() throws SQLException;

        /** After the commit, whether it succeeded or not. */
        void afterCommit();
    }

    private static final ThreadLocal<CommitGuard> GUARD = new ThreadLocal<>();

    private Transactions() {
    }

    /** Runs {@code work} with {@code guard} hearing every write transaction it commits on this thread. */
    public static <T> T guarded(CommitGuard guard, SqlWork<T> work) throws SQLException {
        CommitGuard outer = GUARD.get();
        GUARD.set(guard);
        try {
            return work.run();
        } finally {
            if (outer == null) GUARD.remove();
            else GUARD.set(outer);
        }
    }

    /** For writers: takes the write lock up front, so no lock upgrade can fail half-way. */
    public static <T> T write(Connection c, SqlWork<T> work) throws SQLException {
        return run(c, "BEGIN IMMEDIATE", GUARD.get(), work);
    }

    /** For readers: a consistent snapshot that never blocks writers (WAL). */
    public static <T> T read(Connection c, SqlWork<T> work) throws SQLException {
        return run(c, "BEGIN", null, work);
    }

    private static <T> T run(Connection c, String begin, CommitGuard guard, SqlWork<T> work) throws SQLException {
        if (!c.getAutoCommit()) return work.run();
        try (Statement s = c.createStatement()) {
            try {
                s.execute(begin);
            } catch (SQLException e) {
                // the application began one in SQL (BEGIN, SAVEPOINT), which xerial's auto-commit flag does not show
                if (String.valueOf(e.getMessage()).contains("within a transaction")) return work.run();
                throw e;
            }
            boolean ok = false;
            try {
                T result = work.run();
                if (guard != null) guard.beforeCommit();
                try {
                    s.execute("COMMIT");
                } finally {
                    if (guard != null) guard.afterCommit();
                }
                ok = true;
                return result;
            } finally {
                if (!ok) rollbackQuietly(s);
            }
        }
    }

    private static void rollbackQuietly(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may already have rolled back (e.g. after a failed COMMIT); the original error is what matters
            LOG.log(System.Logger.Level.DEBUG, "rollback after a failed transaction", e);
        }
    }
}
