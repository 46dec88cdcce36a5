package io.syncsqlite.transport.nas;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.SyncResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A replica in this JVM, syncing through a shared folder only when asked (the interval is an hour). */
final class NasReplica implements AutoCloseable {
    static final String TODO = "CREATE TABLE IF NOT EXISTS todo(id TEXT PRIMARY KEY, title TEXT, done INTEGER NOT NULL DEFAULT 0)";

    final Connection conn;
    final List<SyncEvent> events = new CopyOnWriteArrayList<>();

    NasReplica(Path db, Path share, String extra) throws SQLException {
        createSchema(db);
        this.conn = DriverManager.getConnection(url(db, share, "test", "1h") + extra);
        sync().addListener(events::add);
    }

    /**
     * Creates the table before syncing starts: the engine's first round runs as soon as a syncing connection opens,
     * and changes for a table that does not exist yet are parked with an error event until it does.
     */
    static void createSchema(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + db); Statement s = c.createStatement()) {
            s.execute(TODO);
        }
    }

    static String url(Path db, Path share, String namespace, String interval) {
        return "jdbc:syncsqlite:" + db + "?sync.transport=nas&sync.dir=" + share + "&sync.namespace=" + namespace + "&sync.interval=" + interval;
    }

    SyncConnection sync() throws SQLException {
        return conn.unwrap(SyncConnection.class);
    }

    SyncResult syncNow() throws SQLException {
        return sync().syncNow();
    }

    String site() throws SQLException {
        return sync().siteId();
    }

    void exec(String... sql) throws SQLException {
        try (Statement s = conn.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    String dump() throws SQLException {
        return dump(conn);
    }

    static String dump(Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, title, done FROM todo ORDER BY id")) {
            while (rs.next()) b.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getLong(3)).append('\n');
        }
        return b.toString();
    }

    List<SyncEvent> errors() {
        return events.stream().filter(e -> e.type() == SyncEvent.Type.ERROR).toList();
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}
