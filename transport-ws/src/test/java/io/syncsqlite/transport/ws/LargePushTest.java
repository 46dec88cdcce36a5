package io.syncsqlite.transport.ws;

import static io.syncsqlite.transport.ws.WsReplicas.await;
import static io.syncsqlite.transport.ws.WsReplicas.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every change arrives over WebSocket whatever the size of its transaction: parts are sized in bytes below the hub's cap. */
class LargePushTest {
    @TempDir
    Path dir;

    private static long rows(Connection c, String where) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM doc WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTransactionLargerThanTheHubsMessageCapArrivesAndARowThatCannotFitIsADeadLetter() throws Exception {
        // the hub takes messages of at most 1 MiB; one transaction writes 40 rows of 100 KiB (4 MiB) and one of 1.5 MiB
        try (HubServer hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), WsReplicas.tokens()).withLimits(1 << 20, 10_000)
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)));
             Connection a = WsReplicas.open(dir.resolve("a.db"), hub.wsUri().toString());
             Connection b = WsReplicas.open(dir.resolve("b.db"), hub.wsUri().toString())) {
            for (Connection c : new Connection[] {a, b}) exec(c, "CREATE TABLE doc(id TEXT PRIMARY KEY, title TEXT, data BLOB)");
            a.setAutoCommit(false);
            try (PreparedStatement ps = a.prepareStatement("INSERT INTO doc(id, title, data) VALUES (?, 'big', ?)")) {
                for (int i = 0; i < 40; i++) {
                    ps.setString(1, "row" + i);
                    ps.setBytes(2, new byte[100 * 1024]);
                    ps.executeUpdate();
                }
                ps.setString(1, "huge");
                ps.setBytes(2, new byte[1536 * 1024]);
                ps.executeUpdate();
            }
            a.commit();
            a.setAutoCommit(true);
            await(Duration.ofSeconds(60), () -> rows(b, "title = 'big' AND length(data) = " + 100 * 1024) == 40, "all 40 rows on b");
            await(Duration.ofSeconds(30), () -> rows(b, "id = 'huge' AND data IS NULL") == 1, "the huge row on b, without its cell");
            assertEquals(1, a.unwrap(SyncConnection.class).status().deadLetters(), "the cell that cannot fit is kept and visible in status()");
            assertEquals(0L, hub.metrics().refusalsByReason().getOrDefault("ws_close_1009", 0L), "nothing was sent that the hub had to refuse");
        }
    }
}
