package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application triggers fire when the engine applies remote changes, as on any write. Their writes to other tables
 * are the applying replica's own writes, captured and synced; a trigger that should act only on local writes skips
 * remote ones with {@code WHEN (SELECT applying FROM _syncsqlite_clock) = 0}.
 */
class AppTriggersDuringApplyTest {
    @TempDir
    Path dir;

    private List<Connection> replicas(String ns, String trigger) throws SQLException {
        List<Connection> out = new ArrayList<>();
        for (String name : List.of("a.db", "b.db")) {
            Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h");
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE item(id TEXT PRIMARY KEY, title TEXT)");
                s.execute("CREATE TABLE audit(id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(8)))), what TEXT)");
                s.execute(trigger);
            }
            out.add(c);
        }
        return out;
    }

    @Test
    void triggerWritesDuringAnApplyAreCapturedAndSynced() throws Exception {
        List<Connection> r = replicas("trig-" + System.nanoTime(),
                "CREATE TRIGGER item_audit AFTER INSERT ON item BEGIN INSERT INTO audit(what) VALUES ('inserted ' || NEW.id); END");
        try {
            exec(r.get(0), "INSERT INTO item VALUES ('i1', 'from a')");
            syncAll(r);
            // a's own insert wrote one audit row; b's apply of it wrote another, which is b's write and reaches a too
            for (Connection c : r) assertEquals("inserted i1,inserted i1", audit(c));
            exec(r.get(1), "INSERT INTO item VALUES ('i2', 'from b')");
            syncAll(r);
            for (Connection c : r) assertEquals("inserted i1,inserted i1,inserted i2,inserted i2", audit(c));
        } finally {
            for (Connection c : r) c.close();
        }
    }

    @Test
    void aTriggerGuardedByTheApplyingFlagActsOnLocalWritesOnly() throws Exception {
        List<Connection> r = replicas("guard-" + System.nanoTime(), "CREATE TRIGGER item_audit AFTER INSERT ON item"
                + " WHEN (SELECT applying FROM _syncsqlite_clock) = 0 BEGIN INSERT INTO audit(what) VALUES ('inserted ' || NEW.id); END");
        try {
            exec(r.get(0), "INSERT INTO item VALUES ('i1', 'from a')");
            exec(r.get(1), "INSERT INTO item VALUES ('i2', 'from b')");
            syncAll(r);
            for (Connection c : r) assertEquals("inserted i1,inserted i2", audit(c), "one audit row per insert, made where it happened");
        } finally {
            for (Connection c : r) c.close();
        }
    }

    private static void syncAll(List<Connection> r) throws SQLException {
        for (int round = 0; round < 3; round++) { // a write made while applying goes out in the next round
            for (Connection c : r) c.unwrap(SyncConnection.class).syncNow();
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static String audit(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT group_concat(what, ',') FROM (SELECT what FROM audit ORDER BY what)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
