package io.syncsqlite.transport.ws;

import static io.syncsqlite.transport.ws.WsReplicas.await;
import static io.syncsqlite.transport.ws.WsReplicas.count;
import static io.syncsqlite.transport.ws.WsReplicas.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's own pushes come back to it as ranges of the stream without a body. It records them without a write of
 * their own: its stored cursor covers them once the round that published them ends, and still does after it stops,
 * so a restart does not receive its own changes again.
 */
class OwnPushCursorTest {
    @TempDir
    Path dir;

    @Test
    void theStoredCursorCoversOwnPushesOnceTheyArePublishedAndAfterTheEngineStops() throws Exception {
        Path fileA = dir.resolve("a.db");
        Path fileB = dir.resolve("b.db");
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db"));
             Connection b = WsReplicas.open(fileB, hub.wsUri().toString())) {
            try (Connection a = WsReplicas.open(fileA, hub.wsUri().toString())) {
                for (int i = 0; i < 5; i++) {
                    exec(a, "INSERT INTO item(id, title, n) VALUES ('r" + i + "', 'from a', " + i + ")");
                    a.unwrap(SyncConnection.class).syncNow();
                }
                await(Duration.ofSeconds(15), () -> count(b) == 5, "a's rows on b");
                // b writes its cursor with the rows it applies; a only pushed, and the hub sent it its range before the ack
                assertEquals(storedCursor(fileB), storedCursor(fileA), "a's cursor after the rounds that published its rows");
            }
            assertEquals(storedCursor(fileB), storedCursor(fileA), "a's cursor after its engine stopped");
        }
    }

    private static String storedCursor(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement ps = c.prepareStatement("SELECT value FROM " + MetaTables.CURSORS + " WHERE key = ?")) {
            ps.setString(1, WsTransport.CURSOR);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
