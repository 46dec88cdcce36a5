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

/** A TEXT COLLATE NOCASE key written 'Alice' on one replica and 'aLICE' on another names one row: they converge. */
class NocaseKeyTest {
    @TempDir
    Path dir;

    private final String ns = "nocase-" + System.nanoTime();

    private String url(String name) {
        return "jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    @Test
    void spellingsOfOneCaseInsensitiveKeyConverge() throws Exception {
        try (Connection a = DriverManager.getConnection(url("a.db")); Connection b = DriverManager.getConnection(url("b.db"))) {
            for (Connection c : List.of(a, b)) exec(c, "CREATE TABLE people(name TEXT COLLATE NOCASE PRIMARY KEY, age INTEGER, city TEXT)");
            exec(a, "INSERT INTO people VALUES ('Alice', 30, 'Oslo')", "INSERT INTO people VALUES ('bob', 1, 'x')");
            exec(b, "INSERT INTO people VALUES ('aLICE', 31, NULL)", "INSERT INTO people VALUES ('BOB', 2, 'y')");
            for (int round = 0; round < 2; round++) {
                for (Connection c : List.of(a, b)) c.unwrap(SyncConnection.class).syncNow();
            }
            assertEquals(dump(a), dump(b));
            assertEquals(2, dump(a).lines().count(), dump(a));
            for (Connection c : List.of(a, b)) assertEquals(0, pending(c), "nothing parked");
        }
    }

    /** Issue 19 case 6: the latest spelling of a case-insensitive key wins everywhere, also when only the spelling changes. */
    @Test
    void aRespeltKeyReachesEveryReplica() throws Exception {
        try (Connection a = DriverManager.getConnection(url("a.db")); Connection b = DriverManager.getConnection(url("b.db"))) {
            for (Connection c : List.of(a, b)) exec(c, "CREATE TABLE people(name TEXT COLLATE NOCASE PRIMARY KEY, age INTEGER, city TEXT)");
            exec(a, "INSERT INTO people VALUES ('alice', 30, 'Oslo')", "INSERT INTO people VALUES ('bob', 1, 'x')");
            for (Connection c : List.of(a, b, a)) c.unwrap(SyncConnection.class).syncNow();
            assertEquals("alice|30|Oslo\nbob|1|x\n", dump(b));
            exec(a, "UPDATE people SET name = 'ALICE' WHERE name = 'alice'");
            for (Connection c : List.of(a, b, a)) c.unwrap(SyncConnection.class).syncNow();
            try (Connection fresh = DriverManager.getConnection(url("c.db"))) {
                exec(fresh, "CREATE TABLE people(name TEXT COLLATE NOCASE PRIMARY KEY, age INTEGER, city TEXT)");
                fresh.unwrap(SyncConnection.class).syncNow();
                for (Connection c : List.of(a, b, fresh)) {
                    assertEquals("ALICE|30|Oslo\nbob|1|x\n", dump(c));
                    assertEquals(0, pending(c), "nothing parked");
                }
            }
        }
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    private static String dump(Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, age, city FROM people ORDER BY name COLLATE BINARY")) {
            while (rs.next()) b.append(rs.getString(1)).append('|').append(rs.getInt(2)).append('|').append(rs.getString(3)).append('\n');
        }
        return b.toString();
    }

    private static int pending(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM _syncsqlite_pending")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
