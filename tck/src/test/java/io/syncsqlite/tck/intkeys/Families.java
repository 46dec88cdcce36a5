package io.syncsqlite.tck.intkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.TestDb;
import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The parent/child schema of the acceptance tests, the offline exchange between two replicas, and its checks. */
final class Families {
    static final String[] SCHEMA = {
        "CREATE TABLE parent(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)",
        "CREATE TABLE child(id INTEGER PRIMARY KEY AUTOINCREMENT, parent_id INTEGER NOT NULL REFERENCES parent(id), label TEXT NOT NULL)",
    };

    private Families() {
    }

    /** Creates the schema and gives the replica key block {@code tag}, as the transport's coordination would. */
    static void createSchema(Path file, int tag) throws SQLException {
        try (TestDb db = new TestDb(file)) {
            db.exec(SCHEMA);
            db.useKeyBlock(tag);
        }
    }

    /** Writes one replica's families into its file, whose key block is {@code tag}. */
    interface Writer {
        void write(Path file, String replica, int tag) throws Exception;
    }

    /**
     * Two replicas offline, {@code a.db} and {@code b.db} in {@code dir}: each gets the schema and its own key block
     * (1 and 2), then {@code writer} writes its families (named after the replica, {@code "a"} or {@code "b"}).
     */
    static Path[] writeTwoReplicas(Path dir, Writer writer) throws Exception {
        Path[] files = {dir.resolve("a.db"), dir.resolve("b.db")};
        for (int i = 0; i < files.length; i++) {
            createSchema(files[i], i + 1);
            writer.write(files[i], i == 0 ? "a" : "b", i + 1);
        }
        return files;
    }

    /** Each replica's unpublished changes applied to the other, as a transport would, then both checked. */
    static void exchangeAndCheck(Path a, Path b, int parentsEach, int childrenEach) throws SQLException {
        try (TestDb x = new TestDb(a); TestDb y = new TestDb(b)) {
            List<Changeset> fromX = x.drain();
            List<Changeset> fromY = y.drain();
            for (Changeset cs : fromY) x.apply(cs);
            for (Changeset cs : fromX) y.apply(cs);
            for (TestDb db : List.of(x, y)) {
                assertEquals(2L * parentsEach, scalar(db, "SELECT count(*) FROM parent"));
                assertEquals(2L * parentsEach * childrenEach, scalar(db, "SELECT count(*) FROM child c JOIN parent p ON p.id = c.parent_id"
                        + " WHERE c.label LIKE p.name || '/%'"));
                assertEquals(2L * parentsEach * childrenEach, scalar(db, "SELECT count(*) FROM child"));
            }
            assertEquals(x.dump("parent"), y.dump("parent"));
            assertEquals(x.dump("child"), y.dump("child"));
        }
    }

    private static long scalar(TestDb db, String sql) throws SQLException {
        try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
