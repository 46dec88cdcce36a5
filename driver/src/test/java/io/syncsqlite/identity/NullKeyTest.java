package io.syncsqlite.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.SyncEventLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
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
            SyncEventLog log = SyncEventLog.of(a);
            exec(a, "INSERT INTO t VALUES (NULL, 'no key'), ('k', 'kept'), ('gone', 'its key becomes NULL')");
            sync(a, b);
            assertEquals("gone=its key becomes NULL,k=kept", dump(b));
            exec(a, "UPDATE t SET id = NULL WHERE id = 'gone'");
            sync(a, b);
            assertEquals("k=kept", dump(b), "a key set to NULL deletes the old row on peers");
            assertEquals(3, count(a), "the NULL-key rows stay where SQLite put them");
            List<String> reports = nullKeyReports(log.events());
            assertEquals(1, reports.size(), reports::toString);
            assertTrue(reports.get(0).contains("table \"t\" has 1 row(s)"), reports.get(0));
        }
    }

    @Test
    void roundsNobodyAskedForReportANullKeyRowWithinAnIntervalAndOnlyOnce() throws Exception {
        String url = "jdbc:syncsqlite:" + dir.resolve("c.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=200ms";
        try (Connection c = DriverManager.getConnection(url)) {
            SyncEventLog log = SyncEventLog.of(c);
            exec(c, "CREATE TABLE pair(a TEXT, b TEXT, v TEXT, PRIMARY KEY (a, b))", "INSERT INTO pair VALUES ('x', 'y', 'keyed')");
            // rounds on the timer look at the table (no NULL key yet) before the row below comes, and no schema changes after
            awaitRounds(log, 2);
            exec(c, "INSERT INTO pair VALUES ('x', NULL, 'no full key')");
            log.await(events -> !nullKeyReports(events).isEmpty(), Duration.ofSeconds(15), "a report of the NULL-key row, with rounds every 200 ms");
            awaitRounds(log, rounds(log.events()) + 3);
            List<String> reports = nullKeyReports(log.events());
            assertEquals(1, reports.size(), reports::toString);
            assertTrue(reports.get(0).contains("table \"pair\" has 1 row(s)"), reports.get(0));
        }
    }

    private static List<String> nullKeyReports(List<SyncEvent> events) {
        return events.stream().filter(e -> e.type() == SyncEvent.Type.ERROR && e.message().contains("PRIMARY KEY holds NULL")).map(SyncEvent::message).toList();
    }

    private static long rounds(List<SyncEvent> events) {
        return events.stream().filter(e -> e.type() == SyncEvent.Type.COMPLETED).count();
    }

    private static void awaitRounds(SyncEventLog log, long n) throws InterruptedException {
        log.await(events -> rounds(events) >= n, Duration.ofSeconds(15), n + " rounds at sync.interval=200ms");
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
