package io.syncsqlite.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A result set whose {@link #getStatement()} is the application's statement wrapper, not xerial's. */
class ResultSetWrapper extends ResultSetDelegate {
    private final ConnectionWrapper connection;
    private StatementWrapper statement;

    ResultSetWrapper(ResultSet delegate, StatementWrapper statement, ConnectionWrapper connection) {
        super(delegate);
        this.statement = statement;
        this.connection = connection;
    }

    /** A metadata result set's own read hold on the file's write gate, kept until it ends (guarded by this). */
    private boolean ownHold;

    /** Exhausted: SQLite has finished the statement, so its read snapshot (and any gate hold for it) is gone. */
    @Override
    public boolean next() throws SQLException {
        boolean row = delegate.next();
        if (!row) ended();
        return row;
    }

    @Override
    public void close() throws SQLException {
        try {
            delegate.close();
        } finally {
            ended();
        }
    }

    /** This (metadata) result set keeps the read hold its connection took for it until it is exhausted or closed. */
    ResultSetWrapper holding() {
        synchronized (this) {
            ownHold = true;
        }
        return this;
    }

    /** Exhausted or closed: gives back the gate hold kept for it, once. */
    void ended() {
        if (statement != null) statement.releaseResultHold();
        synchronized (this) {
            if (!ownHold) return;
            ownHold = false;
        }
        connection.holds().leave();
    }

    @Override
    public Statement getStatement() throws SQLException {
        Statement raw = delegate.getStatement();
        if (statement == null && raw != null) {
            // metadata result sets come from xerial's internal statements: wrap them so getConnection() is ours
            statement = new StatementWrapper(raw, connection, null);
        }
        return raw == null ? null : statement;
    }
}
