package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's {@code DELETE FROM t} of every row is captured as one outbox entry (SQLite empties the table at once
 * while the capture delete trigger is lifted for that statement), and the engine's fold turns it into exactly the
 * tombstones deleting each row gives (docs/write-cost.md).
 */
class BulkDeleteTest {
    private static final int ROWS = 1_500;
    private static final String T = "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER)";
    private static final String U = "CREATE TABLE u(k TEXT PRIMARY KEY COLLATE NOCASE, v TEXT)";
    private static final String FILL_T = "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < " + ROWS + ")"
            + " INSERT INTO t(id, a, b) SELECT x, 'a' || x, x FROM i";
    private static final String FILL_U = "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < " + ROWS + ")"
            + " INSERT INTO u(k, v) SELECT CASE x % 3 WHEN 0 THEN 'K' || x WHEN 1 THEN 'k' || x ELSE x END, 'v' || x FROM i";

    @TempDir
    Path dir;

    @Test
    void aDeleteOfEveryRowIsOneEntryAndFoldsIntoTheTombstonesOfDeletingEachRow() throws Exception {
        try (TestDb bulk = new TestDb(dir.resolve("bulk.db")); TestDb rows = new TestDb(dir.resolve("rows.db"))) {
            for (TestDb db : List.of(bulk, rows)) {
                db.exec(T, U, FILL_T, FILL_U, "UPDATE t SET a = 'x' WHERE id % 7 = 0", "DELETE FROM t WHERE id % 11 = 0", "DELETE FROM u WHERE v LIKE '%5'");
                db.drain();
                db.exec("UPDATE t SET b = -b WHERE id % 5 = 0", "INSERT INTO t(id, a) VALUES (" + (ROWS + 1) + ", 'new')");
                db.fold(100); // some of the writes before the delete are folded, others wait
            }
            String deleteTrigger = trigger(bulk, "_syncsqlite_ad1");
            long before = count(bulk, "_syncsqlite_outbox");
            try (Statement s = bulk.conn.createStatement(); PreparedStatement ps = bulk.conn.prepareStatement("DELETE FROM main.\"u\" ;")) {
                assertEquals(count(bulk, "t"), s.executeUpdate("DELETE FROM t"));
                assertEquals(count(bulk, "u"), ps.executeUpdate());
            }
            assertEquals(2 + 1, count(bulk, "_syncsqlite_outbox") - before, "one entry per statement, and t's greatest key in use");
            assertEquals(deleteTrigger, trigger(bulk, "_syncsqlite_ad1"), "the delete trigger is back, unchanged");
            try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rows.db")); Statement s = plain.createStatement()) {
                s.executeUpdate("DELETE FROM t"); // another tool: one entry per row
                s.executeUpdate("DELETE FROM u");
            }
            for (int i = 0; i < 40; i++) { // the delete of every row folds in chunks, each its own transaction
                bulk.fold(97);
                rows.fold(97);
            }
            assertEquals(versions(rows), versions(bulk));
            assertEquals(rowChanges(rows.drain()), rowChanges(bulk.drain()));
        }
    }

    @Test
    void aReplicaThatEditedARowConcurrentlyConvergesOnTheDeleteAndWhatFollowedIt() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec(T, FILL_T);
            b.exec(T);
            b.applyAll(a.drain());
            b.exec("UPDATE t SET a = 'edited offline' WHERE id = 7", "INSERT INTO t(id, a) VALUES (9000, 'inserted offline')");
            a.conn.setAutoCommit(false);
            a.exec("DELETE FROM t", "INSERT INTO t(id, a) VALUES (3, 'inserted again')");
            a.conn.commit();
            a.conn.setAutoCommit(true);
            assertEquals(1, count(a, "t"));
            // a's delete is not folded yet: the apply folds it first, so the offline edit meets the tombstone, not the row
            assertEquals(1L, count(a, "_syncsqlite_outbox WHERE slot = -4 AND h IS NOT NULL"));
            a.applyAll(b.drain());
            b.applyAll(a.drain());
            a.applyAll(b.drain());
            assertEquals("id=3:Integer a=inserted again:String b=null \nid=9000:Integer a=inserted offline:String b=null \n", a.dump("t"));
            assertEquals(a.dump("t"), b.dump("t"));
        }
    }

    @Test
    void otherConnectionsAndToolsKeepWritingAndAreCapturedRowByRow() throws Exception {
        Path file = dir.resolve("a.db");
        try (TestDb a = new TestDb(file); Connection other = DriverManager.getConnection("jdbc:syncsqlite:" + file);
             Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            a.exec(T, FILL_T);
            PreparedStatement insert = other.prepareStatement("INSERT INTO t(id, a) VALUES (?, 'other')");
            PreparedStatement plainInsert = plain.prepareStatement("INSERT INTO t(id, a) VALUES (?, 'plain')");
            a.exec("DELETE FROM t");
            // statements prepared before the trigger was lifted and put back run on (SQLite prepares them again)
            insert.setInt(1, 1);
            insert.executeUpdate();
            plainInsert.setInt(1, 2);
            plainInsert.executeUpdate();
            try (Statement s = plain.createStatement()) {
                s.executeUpdate("DELETE FROM t");
            }
            assertEquals(0L, count(a, "t"));
            assertEquals(List.of(-1L, -1L), longs(a, "SELECT slot FROM _syncsqlite_outbox WHERE k IN (1, 2) AND slot = -1 AND h IS NOT NULL"));
            insert.close();
            plainInsert.close();
            a.drain();
            assertEquals(0L, count(a, "_syncsqlite_v1 WHERE cl & 1"));
            assertEquals((long) ROWS, count(a, "_syncsqlite_v1"));
        }
    }

    @Test
    void countsLastInsertRowidAndRollbacksAreSqlites() throws Exception {
        Twins.same(dir, (c, d) -> {
            StringBuilder out = new StringBuilder();
            Twins.exec(c, T, FILL_T, "INSERT INTO t(id, a) VALUES (77777, 'last')");
            try (Statement s = c.createStatement()) {
                out.append("executeUpdate ").append(s.executeUpdate("DELETE FROM t")).append('\n');
            }
            out.append(Twins.query(c, "SELECT changes(), last_insert_rowid()"));
            Twins.exec(c, FILL_T);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM t")) {
                out.append("prepared ").append(ps.executeUpdate()).append(" large ").append(ps.executeLargeUpdate()).append('\n');
            }
            out.append(Twins.query(c, "SELECT count(*) FROM t"));
            c.rollback();
            c.setAutoCommit(true);
            out.append(Twins.query(c, "SELECT count(*), sum(b) FROM t"));
            try (Statement s = c.createStatement()) {
                out.append("execute ").append(s.execute("  /* all */ DELETE FROM \"t\"; -- gone")).append(' ').append(s.getUpdateCount()).append('\n');
            }
            out.append(Twins.query(c, "SELECT count(*) FROM t"));
            return out.toString();
        });
    }

    @Test
    void keysLeftToTheDatabaseContinueAfterTheDeletedOnes() throws Exception {
        Path file = dir.resolve("a.db");
        try (TestDb a = new TestDb(file); Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            a.exec(T, "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < " + ROWS + ") INSERT INTO t(a) SELECT 'a' || x FROM i");
            long highest = ((Number) a.value("SELECT max(id) FROM t")).longValue();
            a.exec("DELETE FROM t"); // nothing folded: neither the rows nor their tombstones are in the version table yet
            a.exec("INSERT INTO t(a) VALUES ('through the driver')");
            try (Statement s = plain.createStatement()) {
                s.execute("INSERT INTO t(a) VALUES ('through another tool')");
            }
            for (long id : longs(a, "SELECT id FROM t")) assertTrue(id > highest, id + " reuses a deleted key (highest " + highest + ")");
        }
    }

    @Test
    void killedBetweenTheDeleteAndItsFoldLosesNoDelete() throws Exception {
        Path file = dir.resolve("a.db");
        try (TestDb a = new TestDb(file); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec(T, FILL_T);
            b.exec(T);
            b.applyAll(a.drain());
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), BulkDeleteProcess.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.log").toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("FOLDED PART", out.readLine(), "see " + dir.resolve("child.log"));
        child.destroyForcibly(); // kill -9: the delete committed, its fold part-way
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        try (TestDb a = new TestDb(file); TestDb b = new TestDb(dir.resolve("b.db"))) {
            assertEquals(0L, count(a, "t"));
            assertNotNull(a.value("SELECT k FROM _syncsqlite_outbox WHERE slot = -4 AND h IS NOT NULL"), "the fold stopped part-way");
            b.applyAll(a.drain());
            assertEquals(0L, count(b, "t"));
            assertEquals((long) ROWS, count(b, "_syncsqlite_v1 WHERE cl = 2"));
        }
    }

    @Test
    void aFileMadeBy51957d1DeletesEveryRowInOneEntry() throws Exception {
        Path file = dir.resolve("old.db");
        try (InputStream in = getClass().getResourceAsStream("/upgrade/51957d1.db")) {
            Files.copy(in, file);
        }
        try (TestDb a = new TestDb(file)) {
            a.exec("WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < " + ROWS + ") INSERT INTO item(name, qty) SELECT 'n' || x, x FROM i");
            List<Long> keys = longs(a, "SELECT id FROM item ORDER BY id");
            long before = count(a, "_syncsqlite_outbox");
            a.exec("DELETE FROM item");
            assertTrue(count(a, "_syncsqlite_outbox") - before <= 1 + 3, "one entry, and the greatest keys in use");
            Map<Long, Long> deleted = new TreeMap<>();
            for (Changeset cs : a.drain()) {
                for (Change ch : cs.changes()) if (ch.table().equals("item") && ch.isRowChange()) deleted.put(((Number) ch.pk().get(0)).longValue(), ch.cl());
            }
            for (long k : keys) assertTrue(deleted.containsKey(k) && deleted.get(k) % 2 == 0, "row " + k + " published as deleted: " + deleted.get(k));
        }
    }

    private static String trigger(TestDb db, String name) throws SQLException {
        return (String) db.value("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '" + name + "'");
    }

    private static long count(TestDb db, String table) throws SQLException {
        return ((Number) db.value("SELECT count(*) FROM " + table)).longValue();
    }

    private static List<Long> longs(TestDb db, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getLong(1));
        }
        return out;
    }

    /** Every version row but its stamps (which tell when, not what): key, causal length and who wrote what. */
    private static String versions(TestDb db) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (String sql : List.of("SELECT k0, cl, rs, h0 > 0, s0, h1 > 0, s1 FROM _syncsqlite_v1 ORDER BY k0", "SELECT k0, cl, rs, h0 > 0, s0 FROM _syncsqlite_v2 ORDER BY k0")) {
            try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) out.append(rs.getObject(i)).append(' ');
                    out.append('\n');
                }
            }
        }
        return out.toString();
    }

    /** The row changes published, per table and key the greatest causal length. */
    private static Map<String, Long> rowChanges(List<Changeset> published) {
        Map<String, Long> out = new TreeMap<>();
        for (Changeset cs : published) {
            for (Change ch : cs.changes()) if (ch.isRowChange()) out.merge(ch.table() + ":" + ch.pk(), ch.cl(), Math::max);
        }
        return out;
    }
}
