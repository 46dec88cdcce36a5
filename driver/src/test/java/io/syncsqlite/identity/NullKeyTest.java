package io.syncsqlite.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows whose primary key holds NULL (SQLite allows it in a non-INTEGER key of a rowid table) cannot sync: they are
 * written as on plain SQLite, stay local, and the engine says so once per table; a key set to NULL deletes the old
 * key on every peer instead of leaving the old row there.
 */
class NullKeyTest {
    @TempDir
    Path dir;

    private final String ns = "nullkey-" + System.nanoTime();

    private String url(String name) {
        return "jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    @Test
    void nullKeyRowsStayLocalAreReportedOnceAndANulledKeyIsDeletedOnPeers() throws Exception {
        try (Connection a = DriverManager.getConnection(url("a.db")); Connection b = DriverManager.getConnection(url("b.db"))) {
            for (Connection c : List.of(a, b)) exec(c, "CREATE TABLE t(id TEXT PRIMARY KEY, v TEXT)");
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            a.unwrap(SyncConnection.class).addListener(events::add);
            exec(a, "INSERT INTO t VALUES (NULL, 'no key'), ('k', 'kept'), ('gone', 'its key becomes NULL')");
            sync(a, b);
            assertEquals("gone=its key becomes NULL,k=kept", dump(b));
            exec(a, "UPDATE t SET id = NULL WHERE id = 'gone'");
            sync(a, b);
            assertEquals("k=kept", dump(b), "a key set to NULL deletes the old row on peers");
            assertEquals(3, count(a), "the NULL-key rows stay where SQLite put them");
            List<String> reports = events.stream().filter(e -> e.type() == SyncEvent.Type.ERROR && e.message().contains("PRIMARY KEY holds NULL"))
                    .map(SyncEvent::message).toList();
            assertEquals(1, reports.size(), reports::toString);
            assertTrue(reports.get(0).contains("table \"t\" has 1 row(s)"), reports.get(0));
        }
    }

    private static void sync(Connection a, Connection b) throws SQLException {
        a.unwrap(SyncConnection.class).syncNow();
        b.unwrap(SyncConnection.class).syncNow();
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    private static int count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String dump(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT group_concat(id || '=' || v, ',') FROM (SELECT * FROM t WHERE id IS NOT NULL ORDER BY id)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
