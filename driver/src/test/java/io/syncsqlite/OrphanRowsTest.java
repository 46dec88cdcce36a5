package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Changeset;
import io.syncsqlite.merge.ApplyResult;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child row whose parent a concurrent delete removed holds back only itself: the rest of its batch applies. The
 * outcome is the same on every replica: the delete wins and the orphan is deleted too (recorded where it was a row).
 */
class OrphanRowsTest {
    private static final String[] SCHEMA = {
        "CREATE TABLE parent(id TEXT PRIMARY KEY, name TEXT)",
        "CREATE TABLE child(id TEXT PRIMARY KEY, parent_id TEXT REFERENCES parent(id), note TEXT)",
        "CREATE TABLE other(id TEXT PRIMARY KEY, v INTEGER)",
    };

    @TempDir
    Path dir;

    @Test
    void anOrphanHoldsBackOnlyItselfAndEveryReplicaDeletesIt() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db"), "?foreign_keys=true"); TestDb b = new TestDb(dir.resolve("b.db"), "?foreign_keys=true")) {
            a.exec(SCHEMA);
            b.exec(SCHEMA);
            a.exec("INSERT INTO parent VALUES ('p1', 'parent')");
            for (Changeset cs : a.drain()) b.apply(cs);
            a.exec("DELETE FROM parent WHERE id = 'p1'");
            b.conn.setAutoCommit(false);
            b.exec("INSERT INTO child VALUES ('c1', 'p1', 'concurrent child')");
            for (int i = 0; i < 50; i++) b.exec("INSERT INTO other VALUES ('o" + i + "', " + i + ")");
            b.conn.commit();
            b.conn.setAutoCommit(true);
            List<Changeset> fromA = a.drain();
            List<Changeset> fromB = b.drain();
            assertEquals(1, fromB.size(), "the child and the 50 unrelated rows travel in one batch");
            ApplyResult atA = a.apply(fromB.get(0));
            assertEquals(50, count(a, "other"), "the unrelated rows of the batch arrive");
            assertTrue(atA.parked() > 0 && atA.parked() < 10, "only the orphan's changes wait: " + atA);
            ApplyResult atB = b.apply(fromA.get(0));
            assertEquals(0, atB.parked(), atB.toString());
            assertTrue(atB.conflicts().stream().anyMatch(m -> m.contains("c1") && m.contains("parent")), atB.conflicts().toString());
            assertEquals(0, count(b, "child"), "the delete wins: the orphan goes with its parent");
            assertEquals(1, count(b, "_syncsqlite_conflicts"), "and is kept where the application can read it");
            // b's delete of the orphan reaches a, whose parked copy of it is then superseded
            for (Changeset cs : b.drain()) a.apply(cs);
            a.retryPending();
            assertEquals(0, count(a, "_syncsqlite_pending"));
            for (String table : List.of("parent", "child", "other")) assertEquals(a.dump(table), b.dump(table), table);
            assertEquals(0, count(a, "child"));
        }
    }

    private static long count(TestDb db, String table) throws SQLException {
        try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
