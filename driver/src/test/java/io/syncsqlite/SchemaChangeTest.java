package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DDL through the driver re-instruments the schema; instrumentation is idempotent. */
class SchemaChangeTest {
    @TempDir
    Path dir;

    private static List<String> triggers(Connection c) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tbl_name || ':' || name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void tablesCreatedInABatchOrAMultiStatementUpdateAreCaptured() throws Exception {
        try (TestDb db = new TestDb(dir.resolve("a.db"))) {
            try (Statement s = db.conn.createStatement()) {
                s.addBatch("CREATE TABLE a(id INTEGER PRIMARY KEY, x TEXT)");
                s.addBatch("INSERT INTO a VALUES (1, 'one')");
                s.executeBatch();
                s.executeUpdate("CREATE TABLE b(k TEXT PRIMARY KEY, y); CREATE TABLE c(p INTEGER, q INTEGER, z, PRIMARY KEY (p, q));");
            }
            db.exec("INSERT INTO b VALUES ('k', 2)", "INSERT INTO c VALUES (1, 2, 'z')");
            assertEquals(List.of("a:_syncsqlite_ad1", "a:_syncsqlite_ai1", "a:_syncsqlite_ak1", "a:_syncsqlite_au1_0", "a:_syncsqlite_ka1", "b:_syncsqlite_ad2", "b:_syncsqlite_ai2", "b:_syncsqlite_ak2", "b:_syncsqlite_au2_0", "c:_syncsqlite_ad3", "c:_syncsqlite_ai3", "c:_syncsqlite_ak3", "c:_syncsqlite_au3_0"), triggers(db.conn));
            int changes = db.drain().stream().mapToInt(Changeset::size).sum();
            assertEquals(2 + 2 + 2, changes, "row + one column change for each of a, b and c");
        }
    }

    @Test
    void addedColumnIsCapturedAndDroppedColumnAndTableLeaveNoStaleTriggers() throws Exception {
        try (TestDb db = new TestDb(dir.resolve("a.db"))) {
            db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b TEXT)", "INSERT INTO t VALUES (1, 'a', 'b')");
            db.drain();
            db.exec("ALTER TABLE t ADD COLUMN c TEXT DEFAULT 'dflt'", "UPDATE t SET c = 'set' WHERE id = 1");
            List<Changeset> out = db.drain();
            assertTrue(out.get(0).changes().stream().anyMatch(ch -> "c".equals(ch.column()) && "set".equals(ch.value())), out.toString());
            try (PreparedStatement ps = db.conn.prepareStatement("ALTER TABLE t DROP COLUMN b")) {
                ps.execute(); // SQLite refuses this while a trigger names the column: the driver lifts its triggers around it
            }
            db.exec("UPDATE t SET a = 'a2' WHERE id = 1");
            assertTrue(db.drain().get(0).changes().stream().anyMatch(ch -> "a".equals(ch.column()) && "a2".equals(ch.value())));
            db.exec("DROP TABLE t");
            assertEquals(List.of(), triggers(db.conn));
            try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE '\\_syncsqlite\\_v%' ESCAPE '\\'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the dropped table's version table is gone");
            }
        }
    }

    @Test
    void ddlInsideARolledBackTransactionLeavesInstrumentationConsistent() throws Exception {
        try (TestDb db = new TestDb(dir.resolve("a.db"))) {
            db.conn.setAutoCommit(false);
            db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT)");
            db.conn.rollback();
            db.conn.setAutoCommit(true);
            db.exec("CREATE TABLE t(id TEXT PRIMARY KEY, b TEXT)", "INSERT INTO t VALUES ('x', 'y')");
            assertEquals(List.of("t:_syncsqlite_ad1", "t:_syncsqlite_ai1", "t:_syncsqlite_ak1", "t:_syncsqlite_au1_0"), triggers(db.conn));
            assertEquals(2, db.drain().get(0).size());
        }
    }

    @Test
    void tableWithoutPrimaryKeyIsLeftAloneAndExistingRowsAreBackfilled() throws Exception {
        Path file = dir.resolve("legacy.db");
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = plain.createStatement()) {
            s.execute("CREATE TABLE logs(line TEXT)");
            s.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
            s.execute("INSERT INTO notes VALUES (1, 'before syncsqlite'), (2, 'also')");
            s.execute("INSERT INTO logs VALUES ('x')");
        }
        try (TestDb db = new TestDb(file)) {
            assertEquals(List.of("notes:_syncsqlite_ad1", "notes:_syncsqlite_ai1", "notes:_syncsqlite_ak1", "notes:_syncsqlite_au1_0", "notes:_syncsqlite_ka1"), triggers(db.conn));
            assertEquals(4, db.drain().get(0).size(), "pre-existing rows are published too");
            db.exec("INSERT INTO logs VALUES ('still writable')");
        }
    }

    @Test
    void migrationToolHistoryTablesAreNeverCaptured() throws Exception {
        try (TestDb db = new TestDb(dir.resolve("m.db"))) {
            db.exec("CREATE TABLE flyway_schema_history(installed_rank INT PRIMARY KEY, version TEXT)",
                    "CREATE TABLE DATABASECHANGELOG(id TEXT PRIMARY KEY, author TEXT)",
                    "CREATE TABLE app(id TEXT PRIMARY KEY, v TEXT)");
            assertEquals(List.of("app:_syncsqlite_ad1", "app:_syncsqlite_ai1", "app:_syncsqlite_ak1", "app:_syncsqlite_au1_0"), triggers(db.conn));
        }
    }

    @Test
    void writesByAPlainSqliteConnectionAreCapturedToo() throws Exception {
        Path file = dir.resolve("shared.db");
        try (TestDb db = new TestDb(file)) {
            db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = plain.createStatement()) {
                s.execute("INSERT INTO t VALUES (7, 'from another tool')");
            }
            assertEquals("from another tool", db.drain().get(0).changes().stream().filter(ch -> "v".equals(ch.column())).findFirst().orElseThrow().value());
        }
    }

    @Test
    void concurrentFirstOpensInstrumentOnce() throws Exception {
        Path file = dir.resolve("race.db");
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = plain.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO t VALUES (1, 'x')");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Connection>> opens = new ArrayList<>();
            // separate class loaders are not needed: each open runs the instrumenter in its own BEGIN IMMEDIATE
            for (int i = 0; i < 4; i++) opens.add(pool.submit((Callable<Connection>) () -> DriverManager.getConnection("jdbc:syncsqlite:" + file)));
            List<Connection> conns = new ArrayList<>();
            for (Future<Connection> f : opens) conns.add(f.get());
            assertEquals(List.of("t:_syncsqlite_ad1", "t:_syncsqlite_ai1", "t:_syncsqlite_ak1", "t:_syncsqlite_au1_0", "t:_syncsqlite_ka1"), triggers(conns.get(0)));
            try (Statement s = conns.get(0).createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM _syncsqlite_outbox")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the existing row was backfilled exactly once");
            }
            for (Connection c : conns) c.close();
        } finally {
            pool.shutdown();
        }
    }
}
