package io.syncsqlite.tck.fault;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One JDBC transaction of a child process's command, as applications write it: {@code setAutoCommit(false)}, the
 * statements, commit (or rollback when asked), a rollback when a statement fails, auto-commit on again after.
 */
final class JdbcTransaction {
    /** The statements of the transaction. */
    interface Body {
        void run() throws SQLException;
    }

    private JdbcTransaction() {
    }

    /** Runs {@code body} in one transaction of {@code c}, committed when {@code commit}, else rolled back. */
    static void run(Connection c, boolean commit, Body body) throws SQLException {
        c.setAutoCommit(false);
        try {
            body.run();
            if (commit) c.commit();
            else c.rollback();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
