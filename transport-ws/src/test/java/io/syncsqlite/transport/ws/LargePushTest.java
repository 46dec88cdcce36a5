package io.syncsqlite.transport.ws;

import static io.syncsqlite.transport.ws.WsReplicas.await;
import static io.syncsqlite.transport.ws.WsReplicas.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** One transaction of {@code rows} rows 'big' of {@code bytes} each, and a row 'huge' of {@code hugeBytes} unless 0. */
    private static void writeInOneTransaction(Connection c, int rows, int bytes, int hugeBytes) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO doc(id, title, data) VALUES (?, 'big', ?)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, "row" + i);
                ps.setBytes(2, new byte[bytes]);
                ps.executeUpdate();
            }
            if (hugeBytes > 0) {
                ps.setString(1, "huge");
                ps.setBytes(2, new byte[hugeBytes]);
                ps.executeUpdate();
            }
        }
        c.commit();
        c.setAutoCommit(true);
    }

    @Test
    void aTransactionLargerThanTheHubsMessageCapArrivesAndARowThatCannotFitIsADeadLetter() throws Exception {
        // the hub takes messages of at most 1 MiB; one transaction writes 40 rows of 100 KiB (4 MiB) and one of 1.5 MiB
        try (HubServer hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), WsReplicas.tokens()).withLimits(1 << 20, 10_000)
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)));
             Connection a = WsReplicas.open(dir.resolve("a.db"), hub.wsUri().toString());
             Connection b = WsReplicas.open(dir.resolve("b.db"), hub.wsUri().toString())) {
            for (Connection c : new Connection[] {a, b}) exec(c, "CREATE TABLE doc(id TEXT PRIMARY KEY, title TEXT, data BLOB)");
            writeInOneTransaction(a, 40, 100 * 1024, 1536 * 1024);
            await(Duration.ofSeconds(60), () -> rows(b, "title = 'big' AND length(data) = " + 100 * 1024) == 40, "all 40 rows on b");
            await(Duration.ofSeconds(30), () -> rows(b, "id = 'huge' AND data IS NULL") == 1, "the huge row on b, without its cell");
            assertEquals(1, a.unwrap(SyncConnection.class).status().deadLetters(), "the cell that cannot fit is kept and visible in status()");
            assertEquals(0L, hub.metrics().refusalsByReason().getOrDefault("ws_close_1009", 0L), "nothing was sent that the hub had to refuse");
        }
    }

    @Test
    void aPathThatClosesLargeMessagesWith1009TeachesTheClientItsCapAndEveryRowArrives() throws Exception {
        // the hub states its 23 MB cap; a proxy in front of it takes frames of at most 256 KiB and closes with 1009
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db"));
             FrameCapProxy proxy = new FrameCapProxy(hub.wsUri(), 256 * 1024);
             Connection a = WsReplicas.open(dir.resolve("a.db"), proxy.uri().toString());
             Connection b = WsReplicas.open(dir.resolve("b.db"), hub.wsUri().toString())) {
            for (Connection c : new Connection[] {a, b}) exec(c, "CREATE TABLE doc(id TEXT PRIMARY KEY, title TEXT, data BLOB)");
            // one transaction of 40 rows of 20 KiB: a push of about 1 MiB, four times what the proxy lets through
            writeInOneTransaction(a, 40, 20 * 1024, 0);
            await(Duration.ofSeconds(90), () -> rows(b, "title = 'big' AND length(data) = " + 20 * 1024) == 40, "all 40 rows on b");
            assertTrue(proxy.tooBigCloses.get() >= 1, "the proxy refused a part as too big");
            assertEquals(0, a.unwrap(SyncConnection.class).status().deadLetters(), "every change fits once the parts are cut below the learned cap");
        }
    }
}
