package io.syncsqlite.transport.ws;

import static io.syncsqlite.transport.ws.WsReplicas.await;
import static io.syncsqlite.transport.ws.WsReplicas.count;
import static io.syncsqlite.transport.ws.WsReplicas.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes over the socket keep several parts in flight: a part the hub refuses as a whole (too many changes) is halved
 * while the parts after it are already sent, and a change it refuses alone stays a dead letter; everything else arrives.
 */
class PushInFlightTest {
    @TempDir
    Path dir;

    @Test
    void partsRefusedWhileOthersAreInFlightAreHalvedAndOnlyTheRefusedCellIsKeptBack() throws Exception {
        // parts of up to 12 changes against a hub taking 5 per push: every part is refused whole and halved twice
        try (HubServer hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), WsReplicas.tokens()).withValueCap(1000).withLimits(1 << 20, 5)
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)))) {
            String ws = hub.wsUri().toString();
            try (Connection a = open(dir.resolve("a.db"), ws); Connection b = open(dir.resolve("b.db"), ws)) {
                a.setAutoCommit(false);
                for (int i = 0; i < 60; i++) exec(a, "INSERT INTO item(id, title, n) VALUES ('r" + i + "', '" + (i == 31 ? "x".repeat(2000) : "t" + i) + "', " + i + ")");
                a.commit();
                SyncConnection syncA = a.unwrap(SyncConnection.class);
                syncA.syncNow();
                await(Duration.ofSeconds(20), () -> count(b) == 60, "all 60 rows at b");
                assertEquals(1, syncA.status().deadLetters(), "the oversized title is kept back as a dead letter");
                try (Statement s = b.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM item WHERE title = 't' || n AND n <> 31")) {
                    rs.next();
                    assertEquals(59, rs.getInt(1), "every other cell arrived");
                }
                try (Statement s = b.createStatement(); ResultSet rs = s.executeQuery("SELECT title IS NULL FROM item WHERE id = 'r31'")) {
                    rs.next();
                    assertEquals(true, rs.getBoolean(1), "the row came, its refused cell did not");
                }
            }
        }
    }

    private static Connection open(Path file, String ws) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file + "?sync.transport=ws&sync.url=" + ws + "&sync.token=" + WsReplicas.TOKEN
                + "&sync.timeout=5s&sync.interval=1h&sync.pushChanges=12");
        exec(c, "CREATE TABLE IF NOT EXISTS item(id TEXT PRIMARY KEY, title TEXT, n INTEGER)");
        return c;
    }
}
