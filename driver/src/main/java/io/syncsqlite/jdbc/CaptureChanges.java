package io.syncsqlite.jdbc;

import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Transactions;
import java.sql.SQLException;
import org.sqlite.SQLiteUpdateListener;
import org.sqlite.core.DB;

/**
 * Keeps xerial's {@code Statement.executeUpdate(String)} count what it is without capture. xerial answers it with the
 * difference of {@code total_changes()} around {@code sqlite3_exec} (so a script counts every statement, and writes
 * of the application's own triggers count too), all while holding the connection's {@link DB} monitor. The capture
 * triggers' writes — outbox entries, notes of rows an INSERT may replace ({@link MetaTables#REPLACED}) and, for
 * composite keys, version rows — are all to rowid tables, so SQLite's update hook reports each of them: it reports
 * every row a connection changes, synchronously, to that connection only: no transaction of ours, no query, other
 * connections' writes never enter the count, and a database where nothing is captured counts nothing.
 */
final class CaptureChanges implements SQLiteUpdateListener {
    /** Rows the capture triggers wrote during the call. */
    private long captureWrites;

    private CaptureChanges() {
    }

    /** Runs {@code update} (one of xerial's {@code executeUpdate(String…)} calls on {@code db}) and corrects its count. */
    static long excluded(DB db, Transactions.SqlWork<Long> update) throws SQLException {
        // xerial's executeUpdate holds this (reentrant) monitor as well: no other thread's statement on this connection
        // can run between registering the counter and removing it, so its rows are never counted here
        synchronized (db) {
            // a closed connection's null handle must never reach SQLite (it crashes the JVM): xerial reports the close
            if (db.isClosed()) return update.run();
            CaptureChanges counter = new CaptureChanges();
            db.addUpdateListener(counter);
            try {
                long reported = update.run();
                return reported - counter.captureWrites;
            } finally {
                db.removeUpdateListener(counter);
            }
        }
    }

    @Override
    public void onUpdate(Type type, String database, String table, long rowId) {
        if (!"main".equals(database)) return;
        if (MetaTables.OUTBOX.equals(table) || MetaTables.REPLACED.equals(table) || type != Type.DELETE && MetaTables.isVersionTable(table)) {
            captureWrites++;
        }
    }
}
