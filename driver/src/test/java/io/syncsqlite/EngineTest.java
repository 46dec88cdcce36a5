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
}
