package io.syncsqlite.jdbc;

import io.syncsqlite.engine.WriteGate;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.Codes;
import org.sqlite.core.DB;

/**
 * One application connection's holds on its file's {@link WriteGate}: while SQLite may keep a read snapshot for the
 * connection, the sync engine of this JVM does not commit. That is from a transaction's first statement to its end
 * (JDBC {@code commit}/{@code rollback}/{@code setAutoCommit(true)}, or SQL {@code COMMIT}/{@code ROLLBACK}/
 * {@code RELEASE} for transactions begun in SQL), and, in auto-commit mode, for each statement's run and for its
 * result set until it is exhausted or closed.
 */
final class GateHolds {
    /** Statements after which SQLite's transaction state may have changed; confirmed with {@link #sqliteInTransaction}. */
    private static final Pattern TRANSACTION_CONTROL =
            Pattern.compile("\\b(?:begin|commit|end|rollback|savepoint|release)\\b", Pattern.CASE_INSENSITIVE);

    private final WriteGate gate;
    private final WriteGate.Holder holder = new WriteGate.Holder();
    private final SQLiteConnection xerial;
    /** The hold of an open transaction (guarded by this). */
    private boolean transaction;

    GateHolds(WriteGate gate, SQLiteConnection xerial) {
        this.gate = gate;
        this.xerial = xerial;
    }

    /**
     * Before a statement runs. Inside a transaction, the transaction's hold covers it (taken here by its first
     * statement); in auto-commit mode the statement takes a hold of its own, which it returns {@code true} for: a
     * statement that only reads ({@code read}) takes it without waiting for the engine's running slice
     * ({@link WriteGate#enterToRead}).
     */
    boolean beforeStatement(boolean read) throws SQLException {
        synchronized (this) {
            if (transaction) return false;
        }
        if (xerial.isClosed()) return false; // xerial reports the closed connection in its own words
        if (!xerial.getAutoCommit()) {
            // with transaction_mode=IMMEDIATE or EXCLUSIVE xerial began the transaction holding SQLite's write lock:
            // no commit can come between its reads and writes, and waiting for the gate while holding that lock would
            // deadlock with an engine slice waiting for the lock
            if (xerial.getConnectionConfig().getTransactionMode() != SQLiteConfig.TransactionMode.DEFERRED) return false;
            takeTransaction();
            return false;
        }
        if (read) gate.enterToRead(holder);
        else gate.enter(holder);
        return true;
    }

    /**
     * After a statement ran (or failed): follows a transaction begun or ended in SQL, and returns the statement's
     * own hold unless its result set still holds the snapshot.
     *
     * @param own     what {@link #beforeStatement} returned
     * @param keep    the statement left a result set open that keeps the hold until {@link #leave}
     * @param mayControlTransaction what {@link #mayControlTransaction} said of the statement's SQL
     * @return whether the statement ended the transaction that held the gate (SQL {@code COMMIT}, {@code END},
     *         {@code RELEASE} or {@code ROLLBACK})
     */
    boolean afterStatement(boolean own, boolean keep, boolean mayControlTransaction) throws SQLException {
        try {
            // a statement that left a result set open (a SELECT whose CASE … END matched) began or ended nothing
            if (mayControlTransaction && !keep && !xerial.isClosed() && xerial.getAutoCommit()) {
                if (sqliteInTransaction()) takeTransaction();
                else return endTransaction();
            }
            return false;
        } finally {
            if (own && !keep) gate.leave(holder);
        }
    }

    /** Whether {@code sql} may begin or end a transaction (false positives cost one cheap check of SQLite's state). */
    static boolean mayControlTransaction(String sql) {
        return sql != null && TRANSACTION_CONTROL.matcher(sql).find();
    }

    /** Whether a transaction holds the gate: one begun in JDBC in deferred mode, or in SQL. */
    synchronized boolean inTransaction() {
        return transaction;
    }

    /** Returns one statement hold kept for a result set. */
    void leave() {
        gate.leave(holder);
    }

    private synchronized void takeTransaction() {
        // entered under this monitor: another thread sharing the connection waits here rather than run unheld
        if (transaction) return;
        gate.enter(holder);
        transaction = true;
    }

    /**
     * The connection's transaction ended (committed, rolled back, or auto-commit switched on); returns whether one held
     * the gate.
     */
    boolean endTransaction() {
        synchronized (this) {
            if (!transaction) return false;
            transaction = false;
        }
        gate.leave(holder);
        return true;
    }

    /** The connection closed: every hold it had ends. */
    void closed() {
        synchronized (this) {
            transaction = false;
        }
        gate.leaveAll(holder);
    }

    /** Whether this connection holds the file now, or the calling thread does through another connection. */
    boolean heldHereOrByThisThread() {
        return holder.holds() || gate.heldByCurrentThread();
    }

    /**
     * Whether SQLite has a transaction open on this connection. xerial does not expose {@code sqlite3_get_autocommit},
     * so ask SQLite: {@code BEGIN} fails inside a transaction; outside one, the empty transaction it opens is committed
     * at once (no lock taken, no commit hook fired). Asked only after transaction-control SQL in auto-commit mode.
     */
    private boolean sqliteInTransaction() throws SQLException {
        DB db = xerial.getDatabase();
        synchronized (db) {
            if (db.isClosed()) return false; // closed while the statement ran: no transaction, and no handle to ask
            try {
                if (db._exec("BEGIN") != Codes.SQLITE_OK) return true;
            } catch (SQLException inTransaction) { // "cannot start a transaction within a transaction"
                return true;
            }
            db._exec("COMMIT");
            return false;
        }
    }
}
