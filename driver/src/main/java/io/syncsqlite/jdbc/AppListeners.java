package io.syncsqlite.jdbc;

import io.syncsqlite.capture.Sql;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteUpdateListener;
import org.sqlite.core.DB;

/**
 * The update and commit listeners the application adds on its connection. Update listeners hear of the application's
 * tables only, as with plain xerial: the rows the capture triggers write into the driver's own tables are not
 * reported. Adding or removing one on a closed connection does nothing: xerial would hand SQLite the closed
 * connection's null handle and crash the JVM, and a closed connection never calls a listener anyway. Checked under
 * the connection's {@link DB} monitor, which xerial's {@code close()} holds too, so a concurrent close cannot slip in.
 */
final class AppListeners {
    private final SQLiteConnection xerial;
    /** The application's update listeners and the filtering listener registered for each (guarded by the DB monitor). */
    private final Map<SQLiteUpdateListener, SQLiteUpdateListener> updates = new HashMap<>();

    AppListeners(SQLiteConnection xerial) {
        this.xerial = xerial;
    }

    void addUpdateListener(SQLiteUpdateListener listener) {
        DB db = xerial.getDatabase();
        synchronized (db) {
            if (db.isClosed()) return;
            xerial.addUpdateListener(updates.computeIfAbsent(listener, AppTablesOnly::new));
        }
    }

    void removeUpdateListener(SQLiteUpdateListener listener) {
        DB db = xerial.getDatabase();
        synchronized (db) {
            if (db.isClosed()) return;
            SQLiteUpdateListener registered = updates.remove(listener);
            if (registered != null) xerial.removeUpdateListener(registered);
        }
    }

    void addCommitListener(SQLiteCommitListener listener) {
        DB db = xerial.getDatabase();
        synchronized (db) {
            if (!db.isClosed()) xerial.addCommitListener(listener);
        }
    }

    void removeCommitListener(SQLiteCommitListener listener) {
        DB db = xerial.getDatabase();
        synchronized (db) {
            if (!db.isClosed()) xerial.removeCommitListener(listener);
        }
    }

    /** Passes on the rows of the application's tables; the driver's own tables (in main or temp) are not the application's business. */
    private record AppTablesOnly(SQLiteUpdateListener listener) implements SQLiteUpdateListener {
        @Override
        public void onUpdate(Type type, String database, String table, long rowId) {
            if (!Sql.isInternal(table)) listener.onUpdate(type, database, table, rowId);
        }
    }
}
