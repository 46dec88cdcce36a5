package io.syncsqlite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * Tables dropped inside the transaction still open on a connection. Only those may be adopted by a table that takes
 * their place (a rebuild: create new, copy, drop old, rename — one transaction); once the transaction ends, a drop is
 * final and a later table of the same name is a new table. SQLite's commit and rollback hooks end the window.
 */
final class OpenDrops {
    private static final Map<DB, Window> WINDOWS = new WeakHashMap<>();

    private OpenDrops() {
    }

    /** One connection's window: cleared by the connection's next COMMIT or ROLLBACK, however it is issued. */
    private static final class Window implements SQLiteCommitListener {
        final Set<Integer> ids = new HashSet<>();

        @Override
        public synchronized void onCommit() {
            ids.clear();
        }

        @Override
        public synchronized void onRollback() {
            ids.clear();
        }

        synchronized boolean contains(int id) {
            return ids.contains(id);
        }

        synchronized void add(int id) {
            ids.add(id);
        }
    }

    /** Records that table {@code id} was dropped in {@code c}'s open transaction (none when in autocommit). */
    static void dropped(Connection c, int id) throws SQLException {
        if (c.getAutoCommit()) return;
        Window w = window(c, true);
        if (w != null) w.add(id);
    }

    /** Whether table {@code id} was dropped in {@code c}'s still open transaction. */
    static boolean isOpen(Connection c, int id) throws SQLException {
        if (c.getAutoCommit()) return false;
        Window w = window(c, false);
        return w != null && w.contains(id);
    }

    private static Window window(Connection c, boolean create) throws SQLException {
        if (!c.isWrapperFor(SQLiteConnection.class)) return null;
        DB db = c.unwrap(SQLiteConnection.class).getDatabase();
        synchronized (WINDOWS) {
            Window w = WINDOWS.get(db);
            if (w == null && create) {
                w = new Window();
                WINDOWS.put(db, w);
                db.addCommitListener(w);
            }
            return w;
        }
    }
}
