package io.syncsqlite.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.Maintenance;
import io.syncsqlite.SyncConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The way back: a synced file, uninstalled, holds exactly the application's schema and rows and works with plain xerial. */
class UninstallTest {
    private static final String[] APP_SCHEMA = {
        "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, qty INTEGER DEFAULT 0)",
        "CREATE TABLE tag(item_id INTEGER NOT NULL REFERENCES item(id), tag TEXT NOT NULL, PRIMARY KEY (item_id, tag)) WITHOUT ROWID",
        "CREATE TABLE log(msg TEXT)", // no key: the driver keys it by rowid
        "CREATE INDEX item_qty ON item(qty)",
        "CREATE VIEW big AS SELECT name FROM item WHERE qty > 10",
        "CREATE TRIGGER item_log AFTER INSERT ON item BEGIN INSERT INTO log(msg) VALUES ('added ' || NEW.name); END",
    };

    @TempDir
    Path dir;

    private String url(Path file, String ns) {
        return "jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    @Test
    void leavesExactlyTheApplicationsSchemaAndDataAndPlainSqliteWorksAsBefore() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + a); Statement s = plain.createStatement()) {
            for (String sql : APP_SCHEMA) s.execute(sql);
            s.execute("INSERT INTO item(id, name, qty) VALUES (1, 'bolt', 5)");
        }
        List<List<String>> originalSchema = schema(a);
        String ns = "uninstall-" + UUID.randomUUID();
        try (Connection ca = DriverManager.getConnection(url(a, ns)); Connection cb = DriverManager.getConnection(url(b, ns))) {
            try (Statement s = cb.createStatement()) {
                for (String sql : APP_SCHEMA) s.execute(sql);
            }
            exec(ca, "INSERT INTO item(name, qty) VALUES ('nut', 20)", "INSERT INTO tag VALUES (1, 'metal')", "UPDATE item SET qty = 7 WHERE id = 1");
            ca.unwrap(SyncConnection.class).syncNow();
            cb.unwrap(SyncConnection.class).syncNow();
            exec(cb, "INSERT INTO item(name, qty) VALUES ('washer', 30)", "DELETE FROM tag");
            cb.unwrap(SyncConnection.class).syncNow();
            ca.unwrap(SyncConnection.class).syncNow();
            ca.unwrap(SyncConnection.class).syncNow(); // publishes what the application's trigger wrote while applying
            assertEquals(rows(cb, "SELECT * FROM item ORDER BY id"), rows(ca, "SELECT * FROM item ORDER BY id"));
        }
        List<List<String>> data = appData(a);
        assertTrue(schema(a).size() > originalSchema.size(), "the driver's tables and triggers are there before");

        assertEquals(java.util.Map.of(), Maintenance.inspect(a).unpublished());
        Uninstaller.Removed removed = Maintenance.uninstall(a, false);

        assertFalse(removed.triggers().isEmpty());
        assertFalse(removed.tables().isEmpty());
        assertEquals(originalSchema, schema(a), "sqlite_master is exactly the application's schema");
        assertEquals(data, appData(a), "every row as it was");
        assertFalse(Files.exists(dir.resolve("a.db-syncsqlite.lock")));
        assertFalse(Files.exists(dir.resolve("a.db-syncsqlite.id")));

        // plain xerial as before: keys the usual way, the application's trigger fires, nothing captured
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + a)) {
            long maxBefore = Long.parseLong(rows(plain, "SELECT max(id) FROM item").get(0).get(0));
            for (int i = 0; i < 100; i++) exec(plain, "INSERT INTO item(name) VALUES ('p" + i + "')");
            assertEquals(List.of(List.of(String.valueOf(maxBefore + 100))), rows(plain, "SELECT max(id) FROM item"));
            assertEquals(List.of(List.of("added p99")), rows(plain, "SELECT msg FROM log WHERE msg = 'added p99'"));
        }
        assertEquals(originalSchema, schema(a), "plain writes added nothing");

        // the driver refuses the file until asked, then installs itself as on a new file
        SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url(a, ns)).close());
        assertTrue(refused.getMessage().contains("sync.reinstall=true"), refused.getMessage());
        assertEquals(originalSchema, schema(a), "a refused open writes nothing");
        try (Connection again = DriverManager.getConnection(url(a, ns) + "&sync.reinstall=true")) {
            assertEquals(103, rows(again, "SELECT * FROM item").size());
        }
        assertNotEquals(originalSchema, schema(a));
        assertFalse(Maintenance.inspect(a).uninstalled());
    }

    @Test
    void refusesToLoseUnpublishedChangesUnlessAsked() throws Exception {
        Path a = dir.resolve("capture.db");
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + a)) {
            exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t(v) VALUES ('x')");
        }
        SQLException refused = assertThrows(SQLException.class, () -> Maintenance.uninstall(a, false));
        assertTrue(refused.getMessage().contains("unpublished local changes"), refused.getMessage());
        assertTrue(Maintenance.inspect(a).installed(), "nothing removed");
        assertFalse(Maintenance.inspect(a).uninstalled());

        Maintenance.uninstall(a, true);
        assertEquals(List.of(List.of("table", "t", "t", "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")), schema(a));
        assertEquals(List.of(List.of("x")), appRows(a, "SELECT v FROM t"));
    }

    @Test
    void refusesWhileAnEngineSyncsTheFile() throws Exception {
        Path a = dir.resolve("busy.db");
        try (Connection c = DriverManager.getConnection(url(a, "busy-" + UUID.randomUUID()))) {
            exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY)");
            c.unwrap(SyncConnection.class).syncNow();
            SQLException refused = assertThrows(SQLException.class, () -> Maintenance.uninstall(a, true));
            assertTrue(refused.getMessage().contains("close the application"), refused.getMessage());
        }
        assertTrue(Maintenance.inspect(a).installed());
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    private static List<List<String>> schema(Path db) throws SQLException {
        return appRows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
    }

    private static List<List<String>> appData(Path db) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        for (String t : List.of("item", "tag", "log")) {
            out.add(List.of("-- " + t));
            out.addAll(appRows(db, "SELECT * FROM " + t + (t.equals("log") ? " ORDER BY 1" : " ORDER BY 1, 2")));
        }
        return out;
    }

    private static List<List<String>> appRows(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return rows(c, sql);
        }
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) row.add(rs.getString(i));
                out.add(row);
            }
        }
        return out;
    }
}
