package io.syncsqlite.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's token need not be in its URL (which frameworks log): {@code sync.tokenFile} or the environment variable
 * {@code SYNCSQLITE_TOKEN} give it; a missing one, or a URL pointed at the wrong port, gets a message saying what to do.
 */
class HubTokenSourcesTest {
    @TempDir
    Path dir;

    @Test
    void tokensFromAFileAndFromTheEnvironment() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TokenFromEnvironmentProcess.class.getName(),
                    dir.resolve("env.db").toString(), hub.uri().toString()).redirectErrorStream(true).redirectOutput(dir.resolve("env.log").toFile());
            pb.environment().put("SYNCSQLITE_TOKEN", Replicas.TOKEN);
            Process child = pb.start();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child replica finished");
            assertEquals(0, child.exitValue(), () -> "the child synced with the token from its environment: " + read(dir.resolve("env.log")));

            Path tokenFile = Files.writeString(dir.resolve("hub.token"), Replicas.TOKEN + "\n");
            try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("file.db") + "?sync.transport=http&sync.url=" + hub.uri()
                    + "&sync.tokenFile=" + tokenFile + "&sync.interval=1h")) {
                Replicas.exec(c, "CREATE TABLE item(id TEXT PRIMARY KEY, title TEXT, n INTEGER, price REAL, data BLOB)");
                Replicas.syncUntil(Duration.ofSeconds(30), () -> count(c) == 1, c);
            }
        }
    }

    @Test
    void aMissingTokenSaysWhereToPutIt() {
        String url = "jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.transport=http&sync.url=http://127.0.0.1:9";
        // this JVM's environment has no SYNCSQLITE_TOKEN (the build does not set one)
        SQLException none = assertThrows(SQLException.class, () -> DriverManager.getConnection(url));
        assertTrue(none.getMessage().contains("sync.tokenFile") && none.getMessage().contains("SYNCSQLITE_TOKEN"), none::getMessage);
        Path missing = dir.resolve("no-such.token");
        SQLException unreadable = assertThrows(SQLException.class, () -> DriverManager.getConnection(url + "&sync.tokenFile=" + missing));
        assertTrue(unreadable.getMessage().contains(missing.toAbsolutePath().toString()) && unreadable.getMessage().contains("no such file"),
                unreadable::getMessage);
    }

    @Test
    void theHttpTransportPointedAtTheWebSocketPortSaysWhichPortToUse() throws Exception {
        HubConfig config = HubConfig.of(0, dir.resolve("hub.db"), Replicas.tokens()).withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0));
        try (HubServer hub = HubServer.start(config);
             Connection c = Replicas.open(dir.resolve("a.db"), "http://127.0.0.1:" + hub.wsPort(), "&sync.interval=1h")) {
            SQLException e = assertThrows(SQLException.class, () -> Replicas.sync(c).syncNow());
            assertTrue(e.getMessage().contains("WebSocket port") && e.getMessage().contains("--port"), e::getMessage);
        }
    }

    private static long count(Connection c) {
        try {
            return Replicas.count(c, "id = 'from-env'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
