package io.syncsqlite.transport.ws;

import static org.junit.jupiter.api.Assertions.fail;

import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import io.syncsqlite.hub.Tokens;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Replicas syncing over WebSocket through a real hub on loopback, for the tests. */
final class WsReplicas {
    static final String TOKEN = "token-team-a";
    static final String OTHER_TOKEN = "token-team-b";

    private WsReplicas() {
    }

    static Tokens tokens() {
        return new Tokens().grant(TOKEN, "team-a").grant(OTHER_TOKEN, "team-b");
    }

    /** A hub in this JVM serving HTTP and WebSocket on free loopback ports. */
    static HubServer hub(Path data) throws Exception {
        return HubServer.start(HubConfig.of(0, data, tokens()).withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)));
    }

    /** A replica with the test schema that never syncs on a timer (sync.interval=1h): only commits and the hub move it. */
    static Connection open(Path file, String wsUrl) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file + "?sync.transport=ws&sync.url=" + wsUrl + "&sync.token=" + TOKEN
                + "&sync.timeout=5s&sync.interval=1h");
        exec(c, "CREATE TABLE IF NOT EXISTS item(id TEXT PRIMARY KEY, title TEXT, n INTEGER)");
        return c;
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    static long count(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM item")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String dump(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT group_concat(id || '|' || quote(title) || '|' || quote(n), char(10)) FROM (SELECT * FROM item ORDER BY id)")) {
            rs.next();
            String d = rs.getString(1);
            return d == null ? "" : d;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code done} until it holds or the deadline passes. */
    static void await(Duration timeout, BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(5); // polling interval of a condition with a deadline
        }
    }
}
