package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.syncsqlite.change.Changeset;
import io.syncsqlite.merge.ApplyResult;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What column and table DDL means for sync, across two replicas where only one has migrated yet, in both orders of
 * arrival: nothing republished for unchanged values, nothing lost, late changes for what a replica dropped archived
 * with one message instead of waiting forever.
 */
class ColumnChangesTest {
    private static final String SCHEMA = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)";

    @TempDir
    Path dir;

    private static void seed(TestDb a, TestDb b) throws Exception {
        a.exec(SCHEMA);
        b.exec(SCHEMA);
        a.exec("WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 10) INSERT INTO t SELECT v, 'n' || v, v FROM n");
        b.applyAll(a.drain());
    }

    private static long count(TestDb db, String table) throws Exception {
        return ((Number) db.value("SELECT count(*) FROM " + table)).longValue();
    }

    private static int parked(List<ApplyResult> results) {
        return results.stream().mapToInt(ApplyResult::parked).sum();
    }

    @Test
    void renamedColumnKeepsItsHistoryAndTakesPeerEditsToTheOldName() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            seed(a, b);
            b.exec("UPDATE t SET name = 'b before' WHERE id = 3"); // written before a's rename, arrives after it
            List<Changeset> early = b.drain();
            a.exec("ALTER TABLE t RENAME COLUMN name TO title");
            assertEquals(0, TestDb.count(a.drain()), "a rename publishes nothing");
            // the peer still on the old name: its edits land in the renamed column, none waits
            b.exec("UPDATE t SET name = 'b after' WHERE id = 1");
            assertEquals(0, parked(a.applyAll(early)) + parked(a.applyAll(b.drain())));
            assertEquals("b before", a.value("SELECT title FROM t WHERE id = 3"));
            assertEquals("b after", a.value("SELECT title FROM t WHERE id = 1"));
            // the renamed column's writes wait on the peer until it renames too, then apply
            a.exec("UPDATE t SET title = 'a edit' WHERE id = 2");
            List<Changeset> fromA = a.drain();
            assertEquals(1, parked(b.applyAll(fromA)));
            b.exec("ALTER TABLE t RENAME COLUMN name TO title");
            b.retryPending();
            assertEquals(0L, count(b, "_syncsqlite_pending"));
            assertEquals(0, TestDb.count(b.drain()), "a rename publishes nothing");
            // other order: both renamed, edits flow directly; the history of row 3 is intact (a later edit wins)
            a.exec("UPDATE t SET title = 'a later' WHERE id = 3");
            b.applyAll(a.drain());
            assertEquals("a later", b.value("SELECT title FROM t WHERE id = 3"));
            assertEquals(a.dump("t"), b.dump("t"));
        }
    }

    @Test
    void addedColumnWithOrWithoutDefaultIsNoWriteAndItsEditsWaitForThePeer() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            seed(a, b);
            a.exec("ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'none'", "ALTER TABLE t ADD COLUMN extra INTEGER");
            assertEquals(0, TestDb.count(a.drain()), "a default is not a write on every row");
            a.exec("UPDATE t SET note = 'noted', extra = 7 WHERE id = 1");
            List<Changeset> fromA = a.drain();
            assertEquals(2, TestDb.count(fromA));
            b.exec("UPDATE t SET name = 'b edit' WHERE id = 1"); // b still on the old schema: syncs what it can
            assertEquals(0, parked(a.applyAll(b.drain())));
            assertEquals(2, parked(b.applyAll(fromA)), "waits until b has the columns");
            b.exec("ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'none'", "ALTER TABLE t ADD COLUMN extra INTEGER");
            b.retryPending();
            assertEquals(0L, count(b, "_syncsqlite_pending"));
            // other order: b migrated first, a's edit applies at once
            a.exec("UPDATE t SET note = 'again' WHERE id = 2");
            assertEquals(0, parked(b.applyAll(a.drain())));
            assertEquals(a.dump("t"), b.dump("t"));
            assertEquals("none", b.value("SELECT note FROM t WHERE id = 5"));
        }
    }

    @Test
    void changesToADroppedColumnAreArchivedWithOneMessage() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            seed(a, b);
            try (Statement s = a.conn.createStatement()) {
                assertDoesNotThrow(() -> s.execute("ALTER /* a comment */ TABLE t DROP COLUMN qty"));
            }
            assertEquals(0, TestDb.count(a.drain()), "dropping a column publishes nothing: the peer keeps its values");
            b.exec("UPDATE t SET qty = qty + 1", "UPDATE t SET name = 'b edit' WHERE id = 4");
            List<ApplyResult> results = a.applyAll(b.drain());
            assertEquals(0, parked(results), "nothing waits forever for a column this replica dropped");
            assertEquals(List.of("column \"qty\" of table \"t\" was dropped on this replica"),
                    results.stream().flatMap(r -> r.archived().stream()).distinct().toList());
            assertEquals(10L, count(a, "_syncsqlite_archived"));
            assertEquals("b edit", a.value("SELECT name FROM t WHERE id = 4"));
            assertEquals(0, a.retryPending().received());
            // the other way round: a's later edits still reach b, which keeps its column
            a.exec("UPDATE t SET name = 'a edit' WHERE id = 5");
            assertEquals(0, parked(b.applyAll(a.drain())));
            assertEquals("a edit", b.value("SELECT name FROM t WHERE id = 5"));
            assertEquals(6, b.value("SELECT qty FROM t WHERE id = 5"));
        }
    }

    @Test
    void droppedTableIsLocalItsLastChangesAreStillPublishedAndLateChangesArchived() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            seed(a, b);
            a.exec("UPDATE t SET name = 'last word' WHERE id = 1"); // not yet published when the table goes
            a.exec("DROP TABLE t");
            List<Changeset> fromA = a.drain();
            assertEquals(1, TestDb.count(fromA), "the unpublished edit, and no deletes: " + fromA);
            b.applyAll(fromA);
            assertEquals(10L, count(b, "t"), "b's table is neither emptied nor dropped");
            assertEquals("last word", b.value("SELECT name FROM t WHERE id = 1"));
            b.exec("UPDATE t SET qty = 0 WHERE id = 2", "INSERT INTO t VALUES (11, 'new on b', 1)");
            List<ApplyResult> results = a.applyAll(b.drain());
            assertEquals(0, parked(results));
            assertEquals(List.of("table \"t\" was dropped on this replica"), results.stream().flatMap(r -> r.archived().stream()).distinct().toList());
            assertNull(a.value("SELECT name FROM sqlite_master WHERE name = 't'"), "not recreated");
            assertEquals(0L, count(a, "sqlite_master WHERE name LIKE '\\_syncsqlite\\_snap%' ESCAPE '\\' OR name LIKE '\\_syncsqlite\\_v%' ESCAPE '\\'"),
                    "nothing of the dropped table's capture is left once its changes are out");
        }
    }

    @Test
    void indexesViewsAndTheAppsTriggersAreLocalSchema() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            seed(a, b);
            a.exec("CREATE INDEX t_name ON t(name)", "CREATE VIEW big AS SELECT id, name FROM t WHERE qty > 5",
                    "CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT)",
                    "CREATE TRIGGER t_audit AFTER UPDATE OF name ON t BEGIN INSERT INTO audit(what) VALUES ('renamed ' || NEW.id); END");
            assertEquals(0, TestDb.count(a.drain()), "indexes, views and triggers are not data");
            a.exec("UPDATE t SET name = 'a edit' WHERE id = 9");
            List<Changeset> fromA = a.drain();
            assertEquals(1 + 2, TestDb.count(fromA), "the edit, and the audit row the app's trigger wrote (a row like any other)");
            b.exec("CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT)");
            b.applyAll(fromA);
            assertEquals("a edit", b.value("SELECT name FROM t WHERE id = 9"));
            a.exec("DROP VIEW big", "DROP INDEX t_name", "DROP TRIGGER t_audit");
            assertEquals(0, TestDb.count(a.drain()));
            assertEquals(a.dump("t"), b.dump("t"));
        }
    }
}
