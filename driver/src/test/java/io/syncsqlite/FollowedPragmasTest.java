package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 case 8, the settings part: the pragmas that change what SQL on the file does, set by the application on
 * its connection, are in force on the sync engine's connection when it applies remote changes.
 */
class FollowedPragmasTest {
    @TempDir
    Path dir;

    private String url(String name, String ns) {
        return "jdbc:syncsqlite:" + dir.resolve(name + ".db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    /** The settings as the test reads them on any connection (case_sensitive_like cannot be read back: LIKE tells). */
    private static Map<String, Integer> settings(Connection c) throws SQLException {
        Map<String, Integer> m = new TreeMap<>();
        try (Statement s = c.createStatement()) {
            for (String q : new String[] {"PRAGMA foreign_keys", "PRAGMA recursive_triggers", "PRAGMA ignore_check_constraints",
                    "PRAGMA trusted_schema", "SELECT 'a' NOT LIKE 'A'"}) {
                try (ResultSet rs = s.executeQuery(q)) {
                    rs.next();
                    m.put(q, rs.getInt(1));
                }
            }
        }
        return m;
    }

    @Test
    void theEngineConnectionTakesTheSettingsTheApplicationSet() throws Exception {
        String ns = "pragmas-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a", ns))) {
            Twins.exec(a, "CREATE TABLE t(id TEXT PRIMARY KEY)", "PRAGMA foreign_keys = ON", "PRAGMA recursive_triggers = ON",
                    "PRAGMA ignore_check_constraints = ON", "PRAGMA trusted_schema = OFF", "PRAGMA case_sensitive_like = ON");
            Map<String, Integer> app = settings(a);
            SyncConnection sync = a.unwrap(SyncConnection.class);
            sync.syncNow();
            Map<String, Integer>[] engine = new Map[1];
            sync.onEngineConnection(c -> engine[0] = settings(c));
            assertEquals(app, engine[0]);

            Twins.exec(a, "PRAGMA recursive_triggers = OFF", "PRAGMA case_sensitive_like = OFF");
            sync.syncNow();
            sync.onEngineConnection(c -> engine[0] = settings(c));
            assertEquals(settings(a), engine[0], "switched back too");
        }
    }

    @Test
    void rowsAReplicaWroteWithCheckConstraintsIgnoredArriveWhereTheyAreIgnoredToo() throws Exception {
        String ns = "checks-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a", ns)); Connection b = DriverManager.getConnection(url("b", ns))) {
            for (Connection c : new Connection[] {a, b}) {
                Twins.exec(c, "CREATE TABLE price(id TEXT PRIMARY KEY, amount INTEGER CHECK (amount >= 0))", "PRAGMA ignore_check_constraints = ON");
            }
            Twins.exec(b, "INSERT INTO price VALUES ('refund', -5)");
            b.unwrap(SyncConnection.class).syncNow();
            a.unwrap(SyncConnection.class).syncNow();
            assertEquals(" SELECT id, amount FROM price -> refund -5;\n", Twins.query(a, "SELECT id, amount FROM price"));
        }
    }
}
