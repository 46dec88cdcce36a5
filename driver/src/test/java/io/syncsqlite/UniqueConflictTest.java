package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Changeset;
import io.syncsqlite.merge.ApplyResult;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas insert different rows with the same value of a UNIQUE column: every replica keeps the row whose value
 * was written later (by version), whatever order it sees them in; the other row is deleted everywhere and recorded,
 * with its values, in {@code _syncsqlite_conflicts} on the replicas that settled the conflict; a CONFLICT is reported.
 */
class UniqueConflictTest {
    private static final String SCHEMA = "CREATE TABLE person(id TEXT PRIMARY KEY, email TEXT UNIQUE, name TEXT)";

    @TempDir
    Path dir;

    @Test
    void everyReplicaKeepsTheLaterRowAndRecordsTheOther() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db")); TestDb c = new TestDb(dir.resolve("c.db"));
             TestDb d = new TestDb(dir.resolve("d.db"))) {
            for (TestDb db : List.of(a, b, c, d)) db.exec(SCHEMA);
            a.exec("INSERT INTO person VALUES ('a1', 'ann@example.com', 'Ann on a')");
            // b's write is the later one by the clock (a tie would be broken by site id, as deterministically)
            long later = System.currentTimeMillis() + 1;
            while (System.currentTimeMillis() <= later) Thread.onSpinWait();
            b.exec("INSERT INTO person VALUES ('b1', 'ann@example.com', 'Ann on b')");
            List<Changeset> fromA = a.drain();
            List<Changeset> fromB = b.drain();
            List<String> conflicts = new ArrayList<>();
            for (Changeset cs : fromB) conflicts.addAll(a.apply(cs).conflicts());
            for (Changeset cs : fromA) conflicts.addAll(b.apply(cs).conflicts());
            for (Changeset cs : fromA) c.apply(cs); // c sees a's row first, d sees b's first
            for (Changeset cs : fromB) conflicts.addAll(c.apply(cs).conflicts());
            for (Changeset cs : fromB) d.apply(cs);
            for (Changeset cs : fromA) conflicts.addAll(d.apply(cs).conflicts());
            String expected = "id=b1:String email=ann@example.com:String name=Ann on b:String \n";
            for (TestDb db : List.of(a, b, c, d)) assertEquals(expected, db.dump("person"));
            assertEquals(4, conflicts.size(), conflicts::toString);
            assertTrue(conflicts.get(0).contains("UNIQUE conflict") && conflicts.get(0).contains("a1") && conflicts.get(0).contains("b1"), conflicts.get(0));
            assertEquals("person|[\"a1\"]|[\"ann@example.com\",\"Ann on a\"]|[\"b1\"]", lost(a));
            for (TestDb db : List.of(a, b, c, d)) assertTrue(lost(db).contains("Ann on a"), "the losing row is kept where the application can read it");
            // the tombstones of the loser travel too, and nothing changes any more
            List<List<Changeset>> more = List.of(a.drain(), b.drain(), c.drain(), d.drain());
            for (List<Changeset> out : more) {
                for (TestDb db : List.of(a, b, c, d)) {
                    for (Changeset cs : out) {
                        ApplyResult r = db.apply(cs);
                        assertEquals(0, r.parked(), "nothing is parked");
                    }
                }
            }
            for (TestDb db : List.of(a, b, c, d)) assertEquals(expected, db.dump("person"));
        }
    }

    @Test
    void insertOrReplaceThatDeletesAnotherRowPublishesTheDelete() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("r.db")); TestDb b = new TestDb(dir.resolve("s.db"))) {
            a.exec(SCHEMA, "CREATE TABLE badge(owner TEXT, n INTEGER, code TEXT, PRIMARY KEY (owner, n), UNIQUE (code))");
            b.exec(SCHEMA, "CREATE TABLE badge(owner TEXT, n INTEGER, code TEXT, PRIMARY KEY (owner, n), UNIQUE (code))");
            a.exec("INSERT INTO person VALUES ('p1', 'x@example.com', 'old'), ('p3', 'z@example.com', 'kept')",
                    "INSERT INTO badge VALUES ('p1', 1, 'gold')");
            for (Changeset cs : a.drain()) b.apply(cs);
            // a plain INSERT that collides fails and deletes nothing; OR IGNORE keeps the old row
            try {
                a.exec("INSERT INTO person VALUES ('p2', 'x@example.com', 'refused')");
            } catch (SQLException expected) {
                // UNIQUE constraint failed, as on plain SQLite
            }
            a.exec("INSERT OR IGNORE INTO person VALUES ('p2', 'z@example.com', 'ignored')");
            a.exec("INSERT OR REPLACE INTO person VALUES ('p4', 'x@example.com', 'replaces p1')",
                    "INSERT OR REPLACE INTO badge VALUES ('p4', 1, 'gold')");
            List<Changeset> out = a.drain();
            List<String> deletes = new ArrayList<>();
            for (Changeset cs : out) {
                for (var ch : cs.changes()) if (ch.column() == null && !ch.isAlive()) deletes.add(ch.table() + ch.pk());
            }
            assertEquals(List.of("badge[p1, 1]", "person[p1]"), deletes.stream().sorted().toList(), "the rows REPLACE deleted are published as deletes");
            for (Changeset cs : out) assertEquals(List.of(), b.apply(cs).conflicts(), "no conflict: the deletes arrive with the inserts");
            assertEquals(a.dump("person"), b.dump("person"));
            assertEquals(a.dump("badge"), b.dump("badge"));
            assertTrue(a.dump("person").contains("id=p3:") && a.dump("person").contains("id=p4:") && !a.dump("person").contains("id=p1:"), a.dump("person"));
        }
    }

    private static String lost(TestDb db) throws SQLException {
        try (Statement s = db.conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT group_concat(tbl || '|' || pk || '|' || row || '|' || winner, ';') FROM _syncsqlite_conflicts")) {
            rs.next();
            return String.valueOf(rs.getString(1));
        }
    }
}
