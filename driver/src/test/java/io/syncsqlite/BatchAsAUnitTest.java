package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Changeset;
import io.syncsqlite.merge.ApplyResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 cases 1-3: a batch is applied the way it was committed. A state valid where it was committed applies on
 * every replica whatever order the receiver meets its rows in (swaps, hand-overs, list reorders under UNIQUE, soft
 * deletes under a partial index, composite and expression indexes, WITHOUT ROWID and NOCASE columns); only what still
 * collides after the whole batch is a conflict, settled the same everywhere with the loser kept whole.
 */
class BatchAsAUnitTest {
    @TempDir
    Path dir;

    /** Runs {@code schema} on a writer and two receivers, {@code setup} on the writer (synced), then {@code batch} in one transaction. */
    private void convergesWithoutConflict(String[] schema, String[] setup, String[] batch, String table) throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db")); TestDb fresh = new TestDb(dir.resolve("c.db"))) {
            for (TestDb db : List.of(a, b, fresh)) db.exec(schema);
            a.exec(setup);
            List<Changeset> first = a.drain();
            assertNoConflict(b.applyAll(first));
            inOneTransaction(a.conn, batch);
            String expected = a.dump(table);
            List<Changeset> second = a.drain();
            assertNoConflict(b.applyAll(second));
            assertNoConflict(fresh.applyAll(first));
            assertNoConflict(fresh.applyAll(second));
            assertEquals(expected, b.dump(table), "the replica that had the rows before");
            assertEquals(expected, fresh.dump(table), "a replica that gets both batches");
            // nothing comes back to the writer: no replica wrote a tombstone of its own
            assertEquals(0, TestDb.count(b.drain()));
            assertEquals(0, TestDb.count(fresh.drain()));
            for (TestDb db : List.of(a, b, fresh)) {
                assertEquals(0L, ((Number) db.value("SELECT count(*) FROM _syncsqlite_conflicts")).longValue());
                assertEquals(0L, ((Number) db.value("SELECT count(*) FROM _syncsqlite_pending")).longValue());
            }
            assertEquals(expected, a.dump(table));
        }
    }

    private static void assertNoConflict(List<ApplyResult> results) {
        for (ApplyResult r : results) {
            assertEquals(List.of(), r.conflicts());
            assertEquals(0, r.parked(), r::toString);
        }
    }

    private static void inOneTransaction(Connection c, String... sql) throws SQLException {
        c.setAutoCommit(false);
        try (var s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
        c.commit();
        c.setAutoCommit(true);
    }

    private static String[] sql(String... s) {
        return s;
    }

    @Test
    void aSwapThroughATemporaryValueAppliesEverywhere() throws Exception {
        convergesWithoutConflict(sql("CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE)"),
                sql("INSERT INTO u VALUES ('a', 'x'), ('b', 'y')"),
                sql("UPDATE u SET email = 'tmp' WHERE id = 'a'", "UPDATE u SET email = 'x' WHERE id = 'b'", "UPDATE u SET email = 'y' WHERE id = 'a'"), "u");
    }

    @Test
    void aValueHandedOverAppliesEverywhere() throws Exception {
        convergesWithoutConflict(sql("CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT UNIQUE)"),
                sql("INSERT INTO u VALUES ('a', 'w'), ('b', 'x')"),
                sql("UPDATE u SET email = 'z' WHERE id = 'b'", "UPDATE u SET email = 'x' WHERE id = 'a'"), "u");
    }

    @Test
    void aListReversedUnderUniquePositionKeepsEveryItem() throws Exception {
        convergesWithoutConflict(sql("CREATE TABLE item(id TEXT PRIMARY KEY, pos INTEGER NOT NULL UNIQUE CHECK (pos BETWEEN 1 AND 200))"),
                sql("INSERT INTO item VALUES ('i1', 1), ('i2', 2), ('i3', 3), ('i4', 4), ('i5', 5)"),
                sql("UPDATE item SET pos = pos + 100", "UPDATE item SET pos = 6 - (pos - 100)"), "item");
    }

    @Test
    void aCompositeIndexWithAKeyColumnReordersAList() throws Exception {
        convergesWithoutConflict(sql("CREATE TABLE entry(list TEXT, item TEXT, pos INTEGER NOT NULL, PRIMARY KEY (list, item), UNIQUE (list, pos))"),
                sql("INSERT INTO entry VALUES ('l', 'a', 1), ('l', 'b', 2), ('l', 'c', 3), ('l', 'd', 4), ('m', 'a', 1)"),
                sql("UPDATE entry SET pos = pos + 10 WHERE list = 'l'", "UPDATE entry SET pos = 15 - pos WHERE list = 'l'"), "entry");
    }

    @Test
    void anExpressionIndexSwapsSpellings() throws Exception {
        convergesWithoutConflict(sql("CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT NOT NULL)", "CREATE UNIQUE INDEX u_email ON u(lower(email))"),
                sql("INSERT INTO u VALUES ('a', 'Ann@X'), ('b', 'Bob@X'), ('c', 'Cy@X')"),
                sql("UPDATE u SET email = 'tmp' WHERE id = 'a'", "UPDATE u SET email = 'ann@x' WHERE id = 'c'", "UPDATE u SET email = 'cy@x' WHERE id = 'b'",
                        "UPDATE u SET email = 'BOB@x' WHERE id = 'a'"), "u");
    }

    @Test
    void aWithoutRowidTableWithANocaseUniqueColumnSwaps() throws Exception {
        convergesWithoutConflict(sql("CREATE TABLE w(code TEXT PRIMARY KEY, label TEXT COLLATE NOCASE UNIQUE) WITHOUT ROWID"),
                sql("INSERT INTO w VALUES ('p', 'Red'), ('q', 'Blue')"),
                sql("UPDATE w SET label = NULL WHERE code = 'p'", "UPDATE w SET label = 'RED' WHERE code = 'q'", "UPDATE w SET label = 'blue' WHERE code = 'p'"), "w");
    }

    @Test
    void aSoftDeleteUnderAPartialIndexFreesTheValue() throws Exception {
        // the new live row sorts before the soft-deleted one, so a receiver meets it first
        convergesWithoutConflict(sql("CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT, deleted INTEGER NOT NULL DEFAULT 0)",
                        "CREATE UNIQUE INDEX u_live_email ON u(email) WHERE deleted = 0"),
                sql("INSERT INTO u VALUES ('b', 'e@x', 0)"),
                sql("UPDATE u SET deleted = 1 WHERE id = 'b'", "INSERT INTO u VALUES ('a', 'e@x', 0)"), "u");
    }

    /** A genuine conflict under a partial index is settled against the live row, never a soft-deleted one. */
    @Test
    void aConflictUnderAPartialIndexLeavesSoftDeletedRowsAlone() throws Exception {
        String[] schema = {"CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT, deleted INTEGER NOT NULL DEFAULT 0)",
            "CREATE UNIQUE INDEX u_live_email ON u(email) WHERE deleted = 0"};
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db")); TestDb c = new TestDb(dir.resolve("c.db"))) {
            for (TestDb db : List.of(a, b, c)) db.exec(schema);
            a.exec("INSERT INTO u VALUES ('old', 'e@x', 1)");
            List<Changeset> old = a.drain();
            b.applyAll(old);
            c.applyAll(old);
            a.exec("INSERT INTO u VALUES ('a1', 'e@x', 0)");
            long later = System.currentTimeMillis() + 1;
            while (System.currentTimeMillis() <= later) Thread.onSpinWait();
            b.exec("INSERT INTO u VALUES ('b1', 'e@x', 0)");
            List<Changeset> fromA = a.drain();
            List<Changeset> fromB = b.drain();
            List<String> conflicts = new ArrayList<>();
            for (ApplyResult r : a.applyAll(fromB)) conflicts.addAll(r.conflicts());
            for (ApplyResult r : b.applyAll(fromA)) conflicts.addAll(r.conflicts());
            c.applyAll(fromB);
            c.applyAll(fromA);
            for (int i = 0; i < 2; i++) { // the loser's tombstones travel
                List<Changeset> more = new ArrayList<>(a.drain());
                more.addAll(b.drain());
                more.addAll(c.drain());
                for (TestDb db : List.of(a, b, c)) db.applyAll(more);
            }
            String expected = "id=b1:String email=e@x:String deleted=0:Integer \nid=old:String email=e@x:String deleted=1:Integer \n";
            for (TestDb db : List.of(a, b, c)) assertEquals(expected, db.dump("u"));
            assertTrue(conflicts.stream().anyMatch(m -> m.contains("[a1]") && m.contains("[b1]")), conflicts::toString);
            assertEquals("[\"a1\"]", a.value("SELECT pk FROM _syncsqlite_conflicts"));
        }
    }

    /** An expression index conflict between replicas is settled, not parked. */
    @Test
    void aConflictUnderAnExpressionIndexIsSettledEverywhere() throws Exception {
        String[] schema = {"CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT NOT NULL)", "CREATE UNIQUE INDEX u_email ON u(lower(email))"};
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            for (TestDb db : List.of(a, b)) db.exec(schema);
            a.exec("INSERT INTO u VALUES ('a1', 'Ann@X')");
            long later = System.currentTimeMillis() + 1;
            while (System.currentTimeMillis() <= later) Thread.onSpinWait();
            b.exec("INSERT INTO u VALUES ('b1', 'ann@x')");
            List<Changeset> fromA = a.drain();
            a.applyAll(b.drain());
            b.applyAll(fromA);
            a.applyAll(b.drain());
            b.applyAll(a.drain());
            for (TestDb db : List.of(a, b)) {
                assertEquals("id=b1:String email=ann@x:String \n", db.dump("u"));
                assertEquals(0L, ((Number) db.value("SELECT count(*) FROM _syncsqlite_pending")).longValue());
            }
            assertTrue(String.valueOf(a.value("SELECT row FROM _syncsqlite_conflicts")).contains("Ann@X"));
        }
    }
}
