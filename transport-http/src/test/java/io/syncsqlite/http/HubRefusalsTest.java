package io.syncsqlite.http;

import static io.syncsqlite.http.Replicas.count;
import static io.syncsqlite.http.Replicas.exec;
import static io.syncsqlite.http.Replicas.open;
import static io.syncsqlite.http.Replicas.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a hub refuses is never dropped with its batch, and what it lost is noticed. */
class HubRefusalsTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedChangeIsKeptAsADeadLetterTheRestArrivesAndItIsRetriedWhenTheHubsLimitsChange() throws Exception {
        HubServer hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), Replicas.tokens()).withValueCap(1000));
        int port = hub.port();
        String url = hub.uri().toString();
        try (Connection a = open(dir.resolve("a.db"), url, "&sync.interval=1h"); Connection b = open(dir.resolve("b.db"), url, "&sync.interval=1h")) {
            for (Connection c : List.of(a, b)) {
                exec(c, "CREATE TABLE memo(id INTEGER PRIMARY KEY, body TEXT)", "CREATE TABLE \"2fa.codes\"(user TEXT PRIMARY KEY, code TEXT)");
            }
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            sync(a).addListener(events::add);
            for (int i = 0; i < 20; i++) exec(a, "INSERT INTO memo(body) VALUES ('memo " + i + "')");
            exec(a, "INSERT INTO \"2fa.codes\" VALUES ('ann', '123456')");
            try (PreparedStatement ps = a.prepareStatement("INSERT INTO item(id, title, data) VALUES ('pic', 'photo', ?)")) {
                ps.setBytes(1, new byte[2000]);
                ps.executeUpdate();
            }
            sync(a).syncNow();
            sync(b).syncNow();
            assertEquals(20, rows(b, "memo"), "the memo rows pushed with the refused change arrived");
            assertEquals(1, rows(b, "\"2fa.codes\""), "every name SQLite accepts is accepted by the hub");
            assertEquals(1, count(b, "id = 'pic' AND data IS NULL"), "the row came, its oversized cell did not");
            assertEquals(1, sync(a).status().deadLetters(), "the refused cell is kept and visible in status()");
            assertTrue(events.stream().anyMatch(e -> e.type() == SyncEvent.Type.ERROR && e.message().contains("column 'data'")
                    && e.message().contains("exceeds this hub's cap of 1000")), events::toString);

            hub.close();
            hub = HubServer.start(HubConfig.of(port, dir.resolve("hub.db"), Replicas.tokens())); // the operator raises the cap
            sync(a).syncNow(); // learns the new limits
            sync(a).syncNow(); // pushes the dead letter again
            sync(b).syncNow();
            assertEquals(1, count(b, "id = 'pic' AND length(data) = 2000"), "retried once the hub's limits changed");
            assertEquals(0, sync(a).status().deadLetters());
        } finally {
            hub.close();
        }
    }

    @Test
    void aHubRestoredFromABackupIsDetectedAndLosesNothing() throws Exception {
        Path data = dir.resolve("hub.db");
        HubServer hub = Replicas.hub(data, 0);
        int port = hub.port();
        String url = hub.uri().toString();
        try (Connection a = open(dir.resolve("a.db"), url, "&sync.interval=1h"); Connection b = open(dir.resolve("b.db"), url, "&sync.interval=1h")) {
            exec(a, "INSERT INTO item(id, title) VALUES ('before', 'x')");
            sync(a).syncNow();
            sync(b).syncNow();
            Path backup = dir.resolve("backup.db");
            try (Connection raw = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data); Statement s = raw.createStatement()) {
                s.execute("VACUUM INTO '" + backup + "'");
            }
            for (int i = 0; i < 10; i++) exec(a, "INSERT INTO item(id, title) VALUES ('after" + i + "', 'y')");
            sync(a).syncNow();
            sync(b).syncNow();
            hub.close();
            for (String suffix : List.of("-wal", "-shm")) Files.deleteIfExists(dir.resolve("hub.db" + suffix));
            Files.copy(backup, data, StandardCopyOption.REPLACE_EXISTING); // restored over the live file, epoch and all
            hub = Replicas.hub(data, port);
            try (Connection fresh = open(dir.resolve("fresh.db"), url, "&sync.interval=1h")) {
                sync(a).syncNow();
                sync(b).syncNow();
                exec(b, "INSERT INTO item(id, title) VALUES ('new', 'z')");
                sync(b).syncNow();
                sync(a).syncNow();
                sync(fresh).syncNow();
                assertEquals(12, count(fresh, "1"), "the 10 rows pushed after the backup are back at the hub");
                assertEquals(1, count(a, "id = 'new'"), "a replica whose cursor was past the restored store still gets new pushes");
            }
            // the same once the record beside the store is gone too (both restored): a cursor ahead of the store tells
            hub.close();
            Files.delete(dir.resolve("hub.db.highwater"));
            for (String suffix : List.of("-wal", "-shm")) Files.deleteIfExists(dir.resolve("hub.db" + suffix));
            Files.copy(backup, data, StandardCopyOption.REPLACE_EXISTING);
            hub = Replicas.hub(data, port);
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            sync(a).addListener(events::add);
            sync(a).syncNow();
            assertTrue(events.stream().anyMatch(e -> e.message().contains("ahead of this hub's last sequence")), events::toString);
            exec(b, "INSERT INTO item(id, title) VALUES ('newer', 'z')");
            sync(b).syncNow();
            sync(a).syncNow();
            assertEquals(1, count(a, "id = 'newer'"));
        } finally {
            hub.close();
        }
    }

    private static long rows(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
