package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A table rebuild (SQLite's way to change a column's definition: create new, copy, drop old, rename) and a table
 * rename keep every row's versions: nothing unchanged is published again, unpublished local changes survive, and a
 * concurrent edit on the other replica wins or loses as if the migration had not happened.
 */
class TableRebuildTest {
    private static final String SCHEMA = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)";
    private static final int ROWS = 1000;

    @TempDir
    Path dir;

    /** The ways migration tools and hand-written scripts issue a rebuild. */
    enum Rebuild {
        /** SQLite's documented order, statement by statement in one JDBC transaction (Flyway, hand-written). */
        NEW_COPY_DROP_RENAME(false, "CREATE TABLE t_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', qty INTEGER)",
                "INSERT INTO t_new(id, name, qty) SELECT id, name, qty FROM t", "DROP TABLE t", "ALTER TABLE t_new RENAME TO t"),
        /** Liquibase's order on SQLite: rename the old table away, create, copy, drop the old one. */
        RENAME_CREATE_COPY_DROP(false, "ALTER TABLE t RENAME TO t_temp", "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', qty INTEGER)",
                "INSERT INTO t(id, name, qty) SELECT id, name, qty FROM t_temp", "DROP TABLE t_temp"),
        /** The whole rebuild as one multi-statement script, in autocommit. */
        SCRIPT(true, "CREATE TABLE t_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', qty INTEGER);"
                + " INSERT INTO t_new(id, name, qty) SELECT id, name, qty FROM t; /* drop */ DROP TABLE t; ALTER TABLE t_new RENAME TO t;"),
        /** Liquibase's order as one JDBC batch, in autocommit. */
        BATCH(true, "ALTER TABLE t RENAME TO t_temp", "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', qty INTEGER)",
                "INSERT INTO t(id, name, qty) SELECT id, name, qty FROM t_temp", "DROP TABLE t_temp");

        final boolean autocommit;
        final String[] sql;

        Rebuild(boolean autocommit, String... sql) {
            this.autocommit = autocommit;
            this.sql = sql;
        }

        void run(TestDb db) throws Exception {
            if (this == BATCH) {
                try (Statement s = db.conn.createStatement()) {
                    for (String q : sql) s.addBatch(q);
                    s.executeBatch();
                }
                return;
            }
            if (autocommit) {
                try (Statement s = db.conn.createStatement()) {
                    s.executeUpdate(sql[0]);
                }
                return;
            }
            db.conn.setAutoCommit(false);
            db.exec(sql);
            db.conn.commit();
            db.conn.setAutoCommit(true);
        }
    }

    private static void seed(TestDb a, TestDb b) throws Exception {
        a.exec(SCHEMA);
        b.exec(SCHEMA);
        a.exec("WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < " + ROWS + ") INSERT INTO t SELECT v, 'n' || v, v FROM n");
        b.applyAll(a.drain());
        assertEquals(0, TestDb.count(b.drain()));
    }

    @ParameterizedTest
    @EnumSource(Rebuild.class)
    void rebuildRepublishesNothingAndLosesNothing(Rebuild rebuild) throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            seed(a, b);
            b.exec("UPDATE t SET name = 'edited on b' WHERE id = 5");
            List<Changeset> fromB = b.drain();
            a.exec("DELETE FROM t WHERE id = 7", "UPDATE t SET qty = -9 WHERE id = 9"); // not published before the rebuild
            rebuild.run(a);
            List<Changeset> fromA = a.drain();
            assertEquals(2, TestDb.count(fromA), "only the delete of row 7 and the edit of row 9: " + fromA);
            b.applyAll(fromA);
            a.applyAll(fromB);
            assertEquals("edited on b", a.value("SELECT name FROM t WHERE id = 5"), "the concurrent edit survives the rebuild");
            assertNull(a.value("SELECT id FROM t WHERE id = 7"), "the unpublished delete survives");
            assertEquals(-9, a.value("SELECT qty FROM t WHERE id = 9"));
            assertEquals(ROWS - 1, ((Number) b.value("SELECT count(*) FROM t")).intValue());
            assertEquals(a.dump("t"), b.dump("t"));
            // capture goes on as before: one edit, one change
            a.exec("UPDATE t SET name = 'after' WHERE id = 1");
            assertEquals(1, TestDb.count(a.drain()));
        }
    }

    @Test
    void cellsTheRebuildChangedAreNewWritesAndTheRestKeepTheirVersion() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            seed(a, b);
            b.exec("UPDATE t SET qty = 555 WHERE id = 3"); // concurrent, on a cell the migration transforms: the migration is later, it wins
            b.exec("UPDATE t SET name = 'b wins' WHERE id = 500"); // on a cell the migration leaves alone: survives
            List<Changeset> fromB = b.drain();
            a.conn.setAutoCommit(false);
            a.exec("CREATE TABLE t_new(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, note TEXT DEFAULT 'none')",
                    "INSERT INTO t_new(id, name, qty, note) SELECT id, name, CASE WHEN id <= 10 THEN qty * 100 ELSE qty END,"
                            + " CASE WHEN id = 1 THEN 'first' ELSE 'none' END FROM t",
                    "INSERT INTO t_new(id, name, qty) VALUES (5000, 'added by the migration', 1)",
                    "DELETE FROM t_new WHERE id = 1000",
                    "DROP TABLE t",
                    "ALTER TABLE t_new RENAME TO t");
            a.conn.commit();
            a.conn.setAutoCommit(true);
            List<Changeset> fromA = a.drain();
            // 10 transformed qty cells, 1 note differing from its default, a new row (row + 3 cells), a deleted row
            assertEquals(10 + 1 + 4 + 1, TestDb.count(fromA), fromA.toString());
            b.exec("ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'none'");
            b.applyAll(fromA);
            a.applyAll(fromB);
            assertEquals(300, a.value("SELECT qty FROM t WHERE id = 3"));
            assertEquals("b wins", a.value("SELECT name FROM t WHERE id = 500"));
            assertEquals(a.dump("t"), b.dump("t"));
        }
    }

    @Test
    void renamedTableKeepsItsVersionsAndUnpublishedChangesAndTakesOldNameChanges() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            seed(a, b);
            a.exec("DELETE FROM t WHERE id = 2", "UPDATE t SET name = 'before rename' WHERE id = 3");
            a.exec("ALTER TABLE t RENAME TO t2");
            a.exec("UPDATE t2 SET name = 'after rename' WHERE id = 4");
            List<Changeset> fromA = a.drain();
            assertEquals(3, TestDb.count(fromA), "the delete and both edits, nothing else: " + fromA);
            // b has not renamed yet: it keeps writing to t; a takes those changes into t2
            b.exec("UPDATE t SET qty = 42 WHERE id = 10");
            a.applyAll(b.drain());
            assertEquals(42, a.value("SELECT qty FROM t2 WHERE id = 10"));
            // a's changes wait on b until b renames too
            assertEquals(3, b.applyAll(fromA).stream().mapToInt(r -> r.parked()).sum());
            b.exec("ALTER TABLE t RENAME TO t2");
            b.retryPending();
            assertEquals(a.dump("t2"), b.dump("t2"));
            assertEquals(0, TestDb.count(b.drain()), "renaming publishes nothing");
        }
    }

    /**
     * Issue 19 case 5: a replica that holds a row but not yet one of its cells (a new device running its migrations
     * while it bootstraps) rebuilds the table with a backfill: the missing cell is not a value it wrote, so the real
     * one, written elsewhere, stays on every replica.
     */
    @Test
    void aBackfillOfACellNeverReceivedInventsNoHistory() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("bf-a.db")); TestDb r = new TestDb(dir.resolve("bf-r.db"))) {
            String schema = "CREATE TABLE n(id INTEGER PRIMARY KEY, title TEXT, note TEXT)";
            a.exec(schema);
            r.exec(schema);
            a.exec("INSERT INTO n VALUES (1, 'one', 'the real note')", "INSERT INTO n VALUES (2, 'two', NULL)");
            List<Changeset> all = a.drain();
            List<io.syncsqlite.change.Change> withoutNote = new ArrayList<>();
            List<io.syncsqlite.change.Change> notes = new ArrayList<>();
            for (Changeset cs : all) for (var ch : cs.changes()) ("note".equals(ch.column()) ? notes : withoutNote).add(ch);
            r.apply(new Changeset(all.get(0).origin(), withoutNote)); // the notes have not arrived yet
            rebuildWithBackfill(r);
            a.applyAll(r.drain());
            assertEquals("the real note", a.value("SELECT note FROM n WHERE id = 1"), "the writer keeps its value");
            r.apply(new Changeset(all.get(0).origin(), notes));
            rebuildWithBackfill(a);
            r.applyAll(a.drain());
            a.applyAll(r.drain());
            assertEquals(a.dump("n"), r.dump("n"));
            assertEquals("the real note", r.value("SELECT note FROM n WHERE id = 1"), "the late replica gets the real value");
        }
    }

    /** The 12-step rebuild making {@code note} NOT NULL, its NULLs backfilled with '', in one transaction. */
    private static void rebuildWithBackfill(TestDb db) throws Exception {
        db.conn.setAutoCommit(false);
        db.exec("CREATE TABLE n_new(id INTEGER PRIMARY KEY, title TEXT, note TEXT NOT NULL DEFAULT '')",
                "INSERT INTO n_new(id, title, note) SELECT id, title, coalesce(note, '') FROM n", "DROP TABLE n", "ALTER TABLE n_new RENAME TO n");
        db.conn.commit();
        db.conn.setAutoCommit(true);
    }
}
