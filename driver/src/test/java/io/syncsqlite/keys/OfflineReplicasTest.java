package io.syncsqlite.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.TestDb;
import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas that insert offline into AUTOINCREMENT parents and their children converge without key collisions. */
class OfflineReplicasTest {
    private static final String[] SCHEMA = {
        "PRAGMA foreign_keys = ON",
        "CREATE TABLE parent(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)",
        "CREATE TABLE child(id INTEGER PRIMARY KEY AUTOINCREMENT, parent_id INTEGER NOT NULL REFERENCES parent(id), label TEXT NOT NULL)",
    };

    @TempDir
    Path dir;

    @Test
    void thousandParentsEachWithChildrenMergeIntoTwoThousand() throws SQLException {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec(SCHEMA);
            b.exec(SCHEMA);
            a.useKeyBlock(1); // as the transport's coordination would
            b.useKeyBlock(2);
            insertFamilies(a.conn, "a");
            insertFamilies(b.conn, "b");
            List<Changeset> fromA = a.drain();
            List<Changeset> fromB = b.drain();
            for (Changeset cs : fromB) a.apply(cs);
            for (Changeset cs : fromA) b.apply(cs);
            for (TestDb db : List.of(a, b)) {
                assertEquals(2000, scalar(db.conn, "SELECT count(*) FROM parent"));
                assertEquals(4000, scalar(db.conn, "SELECT count(*) FROM child"));
                // every child points at the parent it was created for, on both replicas
                assertEquals(4000, scalar(db.conn, "SELECT count(*) FROM child c JOIN parent p ON p.id = c.parent_id"
                        + " WHERE c.label LIKE p.name || '/%'"));
                assertEquals(0, scalar(db.conn, "SELECT count(*) FROM pragma_foreign_key_check"));
            }
            assertEquals(a.dump("parent"), b.dump("parent"));
            assertEquals(a.dump("child"), b.dump("child"));
        }
    }

    @Test
    void concurrentConnectionsOnOneFileNeverShareAKey() throws Exception {
        try (TestDb db = new TestDb(dir.resolve("c.db"))) {
            db.exec(SCHEMA);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Void>> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    String who = "w" + w;
                    writers.add(() -> {
                        try (TestDb own = new TestDb(dir.resolve("c.db"))) {
                            insertFamilies(own.conn, who, 100);
                        }
                        return null;
                    });
                }
                for (Future<Void> f : pool.invokeAll(writers)) f.get();
            } finally {
                pool.shutdown();
            }
            assertEquals(400, scalar(db.conn, "SELECT count(DISTINCT id) FROM parent"));
            assertEquals(800, scalar(db.conn, "SELECT count(*) FROM child c JOIN parent p ON p.id = c.parent_id WHERE c.label LIKE p.name || '/%'"));
        }
    }

    private static void insertFamilies(Connection c, String replica) throws SQLException {
        insertFamilies(c, replica, 1000);
    }

    /** Parents through a prepared statement with generated keys, two children each referring to the reported key. */
    private static void insertFamilies(Connection c, String replica, int parents) throws SQLException {
        try (PreparedStatement parent = c.prepareStatement("INSERT INTO parent(name) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement child = c.prepareStatement("INSERT INTO child(parent_id, label) VALUES (?, ?)")) {
            for (int i = 0; i < parents; i++) {
                String name = replica + i;
                parent.setString(1, name);
                parent.executeUpdate();
                long id;
                try (ResultSet keys = parent.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
                for (int k = 0; k < 2; k++) {
                    child.setLong(1, id);
                    child.setString(2, name + "/" + k);
                    child.executeUpdate();
                }
            }
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
