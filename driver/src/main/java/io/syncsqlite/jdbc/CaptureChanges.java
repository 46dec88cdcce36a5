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
 * triggers write {@link MetaTables#CAPTURE_WRITES_PER_OUTBOX_ROW} rows per outbox row, plus one note per row an INSERT
 * may replace ({@link MetaTables#REPLACED}), so the outbox rows and notes this very connection inserted during the call
 * tell how many to take off. They are counted with SQLite's update hook, which
 * reports each row a connection changes, synchronously, to that connection only: no transaction of ours, no query,
 * other connections' writes never enter the count, and a database where nothing is captured counts nothing.
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
        if (type != Type.INSERT || !"main".equals(database)) return;
        if (MetaTables.OUTBOX.equals(table)) captureWrites += MetaTables.CAPTURE_WRITES_PER_OUTBOX_ROW;
        else if (MetaTables.REPLACED.equals(table)) captureWrites++; // a note of a row an INSERT may replace: its only write
    }
}
