package io.syncsqlite.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncDriver;
import io.syncsqlite.engine.LogRecords;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application that only changed its URL sees in its log what it must act on, once, and the recovery. */
class SyncLoggingTest {
    @TempDir
    Path dir;

    /** Eight failing rounds and the failing last push at close: one WARNING in all, from any of the driver's loggers. */
    @Test
    void aWrongTokenIsOneWarningNamingTheHubAndWhatToDo() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0); LogRecords log = LogRecords.of("io.syncsqlite")) {
            try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("app.db") + "?sync.transport=http&sync.url=" + hub.uri()
                    + "&sync.token=not-a-token-of-this-hub&sync.interval=1h")) {
                Replicas.exec(c, "CREATE TABLE item(id TEXT PRIMARY KEY, title TEXT)", "INSERT INTO item VALUES ('a', 'x')");
                for (int round = 0; round < 8; round++) assertThrows(SQLException.class, () -> Replicas.sync(c).syncNow());
            }
            SyncDriver.shutdown(); // the file's engine has made its last push (it waits for that at most 5 s)

            List<String> warnings = log.at(Level.WARNING);
            assertEquals(1, warnings.size(), () -> "one warning for 8 rounds failing alike: " + warnings);
            String w = warnings.get(0);
            assertTrue(w.contains(hub.uri().toString()), () -> "names the hub: " + w);
            assertTrue(w.contains("401") && w.contains("sync.tokenFile") && w.contains("SYNCSQLITE_TOKEN"), () -> "says what to do: " + w);
            assertTrue(!w.contains("not-a-token-of-this-hub"), () -> "never prints the token: " + w);
        }
    }

    @Test
    void aHubThatComesBackIsARecoveryAtInfo() throws Exception {
        int port;
        try (HubServer probe = Replicas.hub(dir.resolve("probe.db"), 0)) {
            port = probe.uri().getPort(); // a free loopback port, closed again
        }
        try (LogRecords log = LogRecords.ofSync();
             Connection c = Replicas.open(dir.resolve("app.db"), "http://127.0.0.1:" + port, "&sync.interval=1h")) {
            Replicas.exec(c, "INSERT INTO item(id, title) VALUES ('a', 'x')");
            for (int round = 0; round < 5; round++) assertThrows(SQLException.class, () -> Replicas.sync(c).syncNow());
            assertEquals(1, log.at(Level.WARNING).size(), () -> "one warning while the hub is away: " + log.at(Level.WARNING));
            assertTrue(log.at(Level.WARNING).get(0).contains("unreachable"), () -> log.at(Level.WARNING).get(0));

            try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), port)) {
                Replicas.sync(c).syncNow();
                List<String> info = log.at(Level.INFO);
                assertTrue(info.stream().anyMatch(m -> m.contains("recovered after")), () -> "the recovery is logged: " + info);
                assertEquals(1, log.at(Level.WARNING).size(), "no more warnings");
            }
        }
    }
}
