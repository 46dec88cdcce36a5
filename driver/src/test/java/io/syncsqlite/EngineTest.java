package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
    @TempDir
    Path dir;

    private String url(String name, String ns) {
        return "jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    @Test
    void syncNowExchangesThroughTheMemoryTransport() throws Exception {
        String ns = "engine-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a.db", ns)); Connection b = DriverManager.getConnection(url("b.db", ns))) {
            for (Connection c : List.of(a, b)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE todo(id TEXT PRIMARY KEY, title TEXT, done INTEGER NOT NULL DEFAULT 0)");
                }
            }
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            b.unwrap(SyncConnection.class).addListener(events::add);
            try (Statement s = a.createStatement()) {
                s.executeUpdate("INSERT INTO todo(id, title) VALUES ('x', 'buy milk'), ('y', 'walk')");
            }
            SyncResult pushed = a.unwrap(SyncConnection.class).syncNow();
            assertEquals(2 + 2 * 2, pushed.pushed());
            SyncResult pulled = b.unwrap(SyncConnection.class).syncNow();
            assertEquals(6, pulled.pulled());
            assertEquals(6, pulled.applied());
            try (Statement s = b.createStatement(); var rs = s.executeQuery("SELECT group_concat(id || ':' || title || ':' || done, ',') FROM (SELECT * FROM todo ORDER BY id)")) {
                rs.next();
                assertEquals("x:buy milk:0,y:walk:0", rs.getString(1));
            }
            assertTrue(events.stream().anyMatch(e -> e.type() == SyncEvent.Type.COMPLETED && e.result().applied() == 6));
            assertEquals(SyncStatus.State.IDLE, b.unwrap(SyncConnection.class).status().state());
        }
    }

    @Test
    void anEmptyDatabaseLooksEmptyUntilItHasATableToSync() throws Exception {
        String ns = "engine-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("empty.db", ns)); Statement s = a.createStatement()) {
            try (var rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "tools such as Flyway judge emptiness from sqlite_master");
            }
            java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> a.unwrap(SyncConnection.class).syncNow());
            assertTrue(e.getMessage().contains("Nothing to sync yet"), e.getMessage());
            a.setAutoCommit(false);
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"); // as a migration would, inside a transaction
            s.execute("INSERT INTO t(v) VALUES ('first')");
            a.commit();
            a.setAutoCommit(true);
            a.unwrap(SyncConnection.class).syncNow(); // the engine started with the first table (it may have pushed already)
            try (Connection b = DriverManager.getConnection(url("other.db", ns)); Statement sb = b.createStatement()) {
                sb.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                b.unwrap(SyncConnection.class).syncNow();
                try (var rs = sb.executeQuery("SELECT v FROM t")) {
                    assertTrue(rs.next());
                    assertEquals("first", rs.getString(1));
                }
            }
        }
    }

    @Test
    void lastConnectionClosingPushesWhatIsLeft() throws Exception {
        String ns = "engine-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a.db", ns)); Statement s = a.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO t VALUES (1, 'written just before close')");
        }
        try (Connection b = DriverManager.getConnection(url("b.db", ns)); Statement s = b.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            b.unwrap(SyncConnection.class).syncNow();
            try (var rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
                assertTrue(rs.next());
                assertEquals("written just before close", rs.getString(1));
            }
        }
    }

    @Test
    void pausedEngineRunsNoBackgroundRoundsUntilResumed() throws Exception {
        String ns = "engine-" + System.nanoTime();
        String fast = "jdbc:syncsqlite:" + dir.resolve("p.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=10ms";
        try (Connection a = DriverManager.getConnection(fast)) {
            try (Statement s = a.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)");
            }
            SyncConnection sync = a.unwrap(SyncConnection.class);
            awaitRounds(sync, 3);
            sync.pause();
            assertEquals(SyncStatus.State.PAUSED, sync.status().state());
            sync.syncNow(); // runs after any round that was already under way when pause() returned
            long before = sync.status().rounds();
            long started = System.nanoTime();
            for (int i = 0; i < 5; i++) sync.syncNow(); // explicit rounds still run while paused
            long paused = sync.status().rounds();
            assertEquals(before + 5, paused, "background rounds ran while paused (interval 10 ms, window "
                    + (System.nanoTime() - started) / 1_000_000 + " ms)");
            assertEquals(SyncStatus.State.PAUSED, sync.status().state());
            sync.resume();
            awaitRounds(sync, paused + 3);
        }
    }

    private static void awaitRounds(SyncConnection sync, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        java.util.concurrent.BlockingQueue<SyncEvent> events = new java.util.concurrent.LinkedBlockingQueue<>();
        SyncListener l = events::add;
        sync.addListener(l);
        try {
            while (sync.status().rounds() < atLeast) {
                assertTrue(System.nanoTime() < deadline, "engine did not reach " + atLeast + " rounds");
                events.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } finally {
            sync.removeListener(l);
        }
    }
}
