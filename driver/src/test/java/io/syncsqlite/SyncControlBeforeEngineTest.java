package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 5: a new database has no engine until its first table; listeners and {@code pause()} set before that
 * (open, add a listener, run migrations) must reach the engine when it starts.
 */
class SyncControlBeforeEngineTest {
    @TempDir
    Path dir;

    @Test
    void listenerAddedBeforeTheFirstTableHearsTheEngine() throws Exception {
        String url = "jdbc:syncsqlite:" + dir.resolve("new.db") + "?sync.transport=memory&sync.namespace=before-" + System.nanoTime() + "&sync.interval=1h";
        try (Connection c = DriverManager.getConnection(url)) {
            SyncConnection sync = c.unwrap(SyncConnection.class);
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            sync.addListener(events::add);
            Twins.exec(c, "CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT)", "INSERT INTO todo VALUES (1, 'migrated')");
            sync.syncNow();
            assertTrue(events.stream().anyMatch(e -> e.type() == SyncEvent.Type.COMPLETED), "events heard: " + events);
        }
    }

    @Test
    void pauseBeforeTheFirstTableKeepsTheEnginePaused() throws Exception {
        String url = "jdbc:syncsqlite:" + dir.resolve("paused.db") + "?sync.transport=memory&sync.namespace=paused-" + System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            SyncConnection sync = c.unwrap(SyncConnection.class);
            sync.pause();
            Twins.exec(c, "CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT)");
            sync.syncNow(); // starts the engine: it must start paused
            assertEquals(SyncStatus.State.PAUSED, sync.status().state());
            sync.resume();
            org.junit.jupiter.api.Assertions.assertNotEquals(SyncStatus.State.PAUSED, sync.status().state());
        }
    }
}
