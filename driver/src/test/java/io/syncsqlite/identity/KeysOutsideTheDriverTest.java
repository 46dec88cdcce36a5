package io.syncsqlite.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.SyncConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows whose INTEGER PRIMARY KEY SQLite picks outside the driver's INSERT rewriting keep keys unique across replicas:
 * plain jdbc:sqlite: writers (column list or DEFAULT VALUES), INSTEAD OF triggers on views, a batch that creates a
 * table and inserts into it.
 */
class KeysOutsideTheDriverTest {
    @TempDir
    Path dir;

    private final String ns = "outside-" + System.nanoTime();

    private String url(String name) {
        return "jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    @Test
    void everyWriterGetsKeysUniqueAcrossReplicas() throws Exception {
        try (Connection a = DriverManager.getConnection(url("a.db")); Connection b = DriverManager.getConnection(url("b.db"))) {
            for (Connection c : List.of(a, b)) {
                exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT)",
                        "CREATE VIEW tv AS SELECT * FROM t",
                        "CREATE TRIGGER tv_insert INSTEAD OF INSERT ON tv BEGIN INSERT INTO t(who) VALUES (NEW.who); END");
            }
            syncAll(a, b);
            int n = 0;
            for (Connection c : List.of(a, b)) {
                String me = c == a ? "a" : "b";
                try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(me + ".db"))) {
                    exec(plain, "INSERT INTO t(who) VALUES ('" + me + " plain')", "INSERT INTO t DEFAULT VALUES");
                }
                exec(c, "INSERT INTO tv(who) VALUES ('" + me + " view')");
                try (Statement s = c.createStatement()) {
                    s.addBatch("CREATE TABLE IF NOT EXISTS made_in_batch(id INTEGER PRIMARY KEY, who TEXT)");
                    s.addBatch("INSERT INTO made_in_batch(who) VALUES ('" + me + " batch')");
                    assertEquals(2, s.executeBatch().length);
                }
                n += 3; // a plain insert with and one without columns, one through the view
            }
            syncAll(a, b);
            syncAll(a, b);
            assertEquals(n, count(a, "t"));
            assertEquals(dump(a, "t"), dump(b, "t"));
            assertEquals(2, count(a, "made_in_batch"), dump(a, "made_in_batch") + " / " + dump(b, "made_in_batch"));
            assertEquals(dump(a, "made_in_batch"), dump(b, "made_in_batch"));
        }
    }

    @Test
    void anExplicitKeyNearTheTopOfTheRangeLeavesRoomForNewKeys() throws Exception {
        try (Connection a = DriverManager.getConnection(url("a.db"))) {
            exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT)", "INSERT INTO t VALUES (9223372036854775000, 'explicit')",
                    "INSERT INTO t(who) VALUES ('through the driver')");
            try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("a.db"))) {
                exec(plain, "INSERT INTO t(who) VALUES ('plain')");
            }
            assertEquals(3, count(a, "t"));
            assertEquals(2, count(a, "t WHERE id < 9223372036854775000 AND typeof(id) = 'integer'"));
        }
    }

    private static void syncAll(Connection... replicas) throws SQLException {
        for (Connection c : replicas) c.unwrap(SyncConnection.class).syncNow();
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    private static int count(Connection c, String from) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String dump(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT group_concat(id || ':' || coalesce(who, '-'), ',') FROM (SELECT * FROM " + table + " ORDER BY id)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
