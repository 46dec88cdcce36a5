package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One sync engine per database file: whatever the file is called, and whichever process holds its lease. */
class OneEnginePerFileTest {
    @TempDir
    Path dir;

    private static String sync(String ns) {
        return "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    @Test
    void everySpellingOfOneFileSharesOneEngine() throws Exception {
        String ns = "spellings-" + System.nanoTime();
        Path real = Files.createDirectories(dir.resolve("real.d")).resolve("app.db");
        Path link = Files.createSymbolicLink(dir.resolve("link.db"), real);
        Path linkedDir = Files.createSymbolicLink(dir.resolve("linked.d"), dir.resolve("real.d"));
        String encoded = real.toString().replace(".db", "%2Edb").replace("/app", "/%61pp");
        List<String> spellings = List.of("jdbc:syncsqlite:" + real, "jdbc:syncsqlite:" + link, "jdbc:syncsqlite:" + linkedDir.resolve("app.db"),
                "jdbc:syncsqlite:file:" + real, "jdbc:syncsqlite:file://localhost" + real, "jdbc:syncsqlite:file://" + real,
                "jdbc:syncsqlite:file:" + encoded, "jdbc:syncsqlite:" + dir.resolve("real.d/../real.d/app.db"));
        List<Connection> conns = new ArrayList<>();
        try {
            for (String s : spellings) conns.add(DriverManager.getConnection(s + sync(ns)));
            try (Statement s = conns.get(0).createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            }
            List<SyncEvent> completed = new CopyOnWriteArrayList<>();
            conns.get(0).unwrap(SyncConnection.class).addListener(e -> {
                if (e.type() == SyncEvent.Type.COMPLETED) completed.add(e);
            });
            for (int i = 0; i < 400; i++) {
                try (Statement s = conns.get(i % conns.size()).createStatement()) {
                    s.executeUpdate("INSERT INTO t(v) VALUES ('row " + i + "')");
                }
                if (i % 50 == 0) conns.get((i / 50) % conns.size()).unwrap(SyncConnection.class).syncNow();
            }
            for (Connection c : conns) c.unwrap(SyncConnection.class).syncNow();
            assertEquals(8 + conns.size(), completed.size(), "every spelling's syncNow() ran on the one engine of the file");
            try (Connection b = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("b.db") + sync(ns)); Statement s = b.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                b.unwrap(SyncConnection.class).syncNow();
                assertEquals(400, count(s, "t"));
            }
        } finally {
            for (Connection c : conns) c.close();
        }
    }

    @Test
    void anEngineWithoutTheLeaseOnlyCapturesAndTakesOverWhenTheHolderIsGone() throws Exception {
        String ns = "lease-" + System.nanoTime();
        Path a = dir.resolve("a.db");
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + a); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        }
        // another process's engine holds the lease (a lock held by this JVM looks the same to the engine)
        try (FileChannel other = FileChannel.open(dir.resolve("a.db-syncsqlite.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = other.lock();
            try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + a + sync(ns));
                 Connection b = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("b.db") + sync(ns));
                 Statement s = c.createStatement(); Statement sb = b.createStatement()) {
                sb.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                s.executeUpdate("INSERT INTO t(v) VALUES ('kept for the holder')");
                SyncConnection sync = c.unwrap(SyncConnection.class);
                assertEquals(SyncResult.EMPTY, sync.syncNow(), "without the lease the engine publishes nothing");
                assertEquals(SyncStatus.State.STANDBY, sync.status().state());
                b.unwrap(SyncConnection.class).syncNow();
                assertEquals(0, count(sb, "t"));
                held.release(); // the holder died: the OS dropped its lock
                assertEquals(2, sync.syncNow().pushed(), "took over and published what was captured meanwhile");
                b.unwrap(SyncConnection.class).syncNow();
                assertEquals(1, count(sb, "t"));
            }
        }
    }

    @Test
    void outboxNumbersAreNeverReusedEvenOnceTrimmedEmpty() throws Exception {
        try (TestDb db = new TestDb(dir.resolve("seq.db"))) {
            db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
            long before = maxSeq(db.conn);
            assertEquals(2, db.drain().get(0).changes().stream().filter(ch -> ch.column() == null).count());
            assertTrue(db.drain().isEmpty(), "the high-water mark is not a change");
            db.exec("INSERT INTO t VALUES (3, 'c')");
            assertTrue(maxSeq(db.conn) > before, "a trimmed outbox handed out number " + maxSeq(db.conn) + " again");
            assertEquals(List.of(3L), db.drain().stream().flatMap(cs -> cs.changes().stream()).filter(ch -> ch.column() == null).map(ch -> ch.pk().get(0)).toList());
        }
    }

    private static long maxSeq(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(seq) FROM _syncsqlite_outbox")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
