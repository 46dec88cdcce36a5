package io.syncsqlite.transport.http;

import static io.syncsqlite.transport.http.Replicas.count;
import static io.syncsqlite.transport.http.Replicas.dump;
import static io.syncsqlite.transport.http.Replicas.exec;
import static io.syncsqlite.transport.http.Replicas.open;
import static io.syncsqlite.transport.http.Replicas.sameData;
import static io.syncsqlite.transport.http.Replicas.sync;
import static io.syncsqlite.transport.http.Replicas.syncUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas in this JVM syncing through a real hub on a loopback port. */
class HttpSyncTest {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void concurrentWritersConverge() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            String url = hub.uri().toString();
            List<Connection> replicas = new ArrayList<>();
            for (int i = 0; i < 3; i++) replicas.add(open(dir.resolve("r" + i + ".db"), url, "&sync.interval=50ms&sync.batchSize=7&sync.pushChanges=10"));
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int w = i;
                    Connection c = replicas.get(i);
                    writers.add(pool.submit(() -> {
                        for (int k = 0; k < 40; k++) {
                            exec(c, "INSERT INTO item(id, title, n, price, data) VALUES ('w" + w + "-" + k + "', 'from " + w + "', " + k + ", " + k + ".5, x'0a0b')",
                                    "INSERT INTO item(id, title, n) VALUES ('shared', 'writer " + w + "', " + k + ")"
                                            + " ON CONFLICT(id) DO UPDATE SET title = excluded.title, n = excluded.n");
                            if (k % 10 == 9) exec(c, "DELETE FROM item WHERE id = 'w" + w + "-" + (k - 5) + "'");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : writers) f.get();
            } finally {
                pool.shutdown();
            }
            Connection[] all = replicas.toArray(Connection[]::new);
            syncUntil(CONVERGE, () -> sameData(all) && rows(all[0]) == 3 * 36 + 1, all);
            assertEquals(3 * 36 + 1, count(all[0], "1"));
            assertEquals("X'0A0B'", dump(all[1]).lines().filter(l -> l.startsWith("w2-0|")).findFirst().orElseThrow().split("\\|")[4]);
            assertEquals(0, hub.metrics().duplicates());
            for (Connection c : replicas) {
                io.syncsqlite.SyncStatus s = sync(c).status();
                // the wire carried at least the changes, a few bytes each (metrics: docs/operations.md)
                assertTrue(s.bytesSent() > s.changesSent() && s.bytesReceived() > s.changesReceived() && s.changesReceived() > 0, s.toString());
            }
            for (Connection c : replicas) c.close();
        }
    }

    @Test
    void pushWhoseResponseIsLostIsRetriedWithoutDuplicates() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0); TcpProxy proxy = new TcpProxy(hub.port())) {
            Connection a = open(dir.resolve("a.db"), proxy.url(), "&sync.interval=1h");
            Connection b = open(dir.resolve("b.db"), hub.uri().toString(), "&sync.interval=1h");
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            sync(a).addListener(events::add);
            sync(a).syncNow(); // a first round: the replica knows the hub's limits, so the next response is the push's
            exec(a, "INSERT INTO item(id, title, n) VALUES ('x', 'one', 1), ('y', 'two', 2)");
            proxy.dropNextResponse();
            SQLException lost = assertThrows(SQLException.class, () -> sync(a).syncNow());
            assertTrue(lost.getMessage().contains("unreachable"), lost.getMessage());
            assertEquals(1, proxy.droppedResponses());
            assertEquals(1, hub.metrics().pushes(), "the hub committed the push whose response was lost");
            long storedBefore = hub.metrics().stored();
            sync(a).syncNow();
            assertEquals(1, hub.metrics().duplicates(), "the retry was answered as already applied");
            assertEquals(1, hub.metrics().pushes());
            assertEquals(storedBefore, hub.metrics().stored(), "nothing stored twice");
            assertEquals(2 * 5, hub.cellCount("team-a"), "row cell and 4 columns per row, once each");
            assertTrue(events.stream().anyMatch(e -> e.message().contains("already applied")));
            sync(b).syncNow();
            assertEquals(dump(a), dump(b));
            a.close();
            b.close();
        }
    }

    @Test
    void hubRestartedMidSyncLosesNothing() throws Exception {
        HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0);
        int port = hub.port();
        String url = hub.uri().toString();
        String epoch = hub.epoch();
        Connection a = open(dir.resolve("a.db"), url, "&sync.interval=20ms&sync.batchSize=5");
        Connection b = open(dir.resolve("b.db"), url, "&sync.interval=20ms");
        List<SyncEvent> events = new CopyOnWriteArrayList<>();
        sync(a).addListener(events::add);
        try {
            for (int k = 0; k < 200; k++) {
                exec(a, "INSERT INTO item(id, n) VALUES ('a" + k + "', " + k + ")");
                if (k == 60) hub.close();
                if (k == 140) {
                    // not any failed round: the first round's key-tag claim, made after its exchange, can be what fails
                    Replicas.await(Duration.ofSeconds(10), () -> events.stream().anyMatch(e -> e.message().startsWith("offline:")), "a round that found the hub gone");
                    hub = Replicas.hub(dir.resolve("hub.db"), port);
                }
            }
            assertEquals(epoch.substring(0, 32), hub.epoch().substring(0, 32), "the restarted hub keeps its history (the same store)");
            syncUntil(CONVERGE, () -> rows(b) == 200, a, b);
            // the round that pushed a's last rows may have failed after its push, a later one says it is connected
            Replicas.await(Duration.ofSeconds(10), () -> events.stream().anyMatch(e -> e.message().startsWith("connected to hub")), "a round through the restarted hub");
            assertTrue(events.stream().noneMatch(e -> e.message().contains("lost history")), "a restart is not taken for a restore");
            assertTrue(sameData(a, b));
        } finally {
            a.close();
            b.close();
            hub.close();
        }
    }

    @Test
    void oldEditsOfAClientOfflineForLongReachEveryone() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0); TcpProxy proxy = new TcpProxy(hub.port())) {
            Connection late = open(dir.resolve("late.db"), proxy.url(), "&sync.interval=1h");
            Connection b = open(dir.resolve("b.db"), hub.uri().toString(), "&sync.interval=1h");
            Connection c = open(dir.resolve("c.db"), hub.uri().toString(), "&sync.interval=1h");
            proxy.setDown(true);
            exec(late, "INSERT INTO item(id, title) VALUES ('old-1', 'written offline'), ('old-2', 'written offline'), ('contested', 'late')");
            assertThrows(SQLException.class, () -> sync(late).syncNow());
            // meanwhile the others write newer changes and advance their cursors far past anything 'late' has
            for (int k = 0; k < 50; k++) exec(b, "INSERT INTO item(id, title) VALUES ('b" + k + "', 'online')");
            exec(c, "INSERT INTO item(id, title) VALUES ('contested', 'newer')");
            syncUntil(CONVERGE, () -> rows(b) == 51 && rows(c) == 51, b, c);
            proxy.setDown(false);
            syncUntil(CONVERGE, () -> sameData(late, b, c) && rows(b) == 53, late, b, c);
            assertEquals(2, count(b, "title = 'written offline'"));
            assertEquals(2, count(c, "title = 'written offline'"));
            assertEquals(1, count(c, "id = 'contested' AND title = 'newer'"), "the newer write wins the contested row everywhere");
            late.close();
            b.close();
            c.close();
        }
    }

    @Test
    void aReplacedHubStoreGetsOwnVersionsBackAndIsReadFromTheStart() throws Exception {
        HubServer hub = Replicas.hub(dir.resolve("hub1.db"), 0);
        int port = hub.port();
        String url = hub.uri().toString();
        Connection a = open(dir.resolve("a.db"), url, "&sync.interval=1h");
        exec(a, "INSERT INTO item(id, title) VALUES ('kept', 'a')");
        sync(a).syncNow();
        hub.close();
        hub = Replicas.hub(dir.resolve("hub2.db"), port); // a fresh store: another epoch, empty
        try {
            Connection fresh = open(dir.resolve("fresh.db"), url, "&sync.interval=1h");
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            sync(a).addListener(events::add);
            sync(a).syncNow();
            assertTrue(events.stream().anyMatch(e -> e.message().contains("lost history")), events::toString);
            sync(fresh).syncNow();
            assertEquals(dump(a), dump(fresh));
            assertEquals(1, count(fresh, "id = 'kept'"));
            a.close();
            fresh.close();
        } finally {
            hub.close();
        }
    }

    static long rows(Connection c) {
        try {
            return count(c, "1");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
