package io.syncsqlite.transport.http;

import static io.syncsqlite.transport.http.Replicas.count;
import static io.syncsqlite.transport.http.Replicas.exec;
import static io.syncsqlite.transport.http.Replicas.open;
import static io.syncsqlite.transport.http.Replicas.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
    void aTransactionLargerThanTheHubsPushCapArrivesInPartsAndARowThatCannotFitIsADeadLetter() throws Exception {
        // the hub takes at most 1 MiB per push; one transaction writes 40 rows of 100 KiB (4 MiB) and one of 1.5 MiB
        try (HubServer hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), Replicas.tokens()).withLimits(1 << 20, 10_000))) {
            String url = hub.uri().toString();
            try (Connection a = open(dir.resolve("a.db"), url, "&sync.interval=1h"); Connection b = open(dir.resolve("b.db"), url, "&sync.interval=1h")) {
                a.setAutoCommit(false);
                try (PreparedStatement ps = a.prepareStatement("INSERT INTO item(id, title, data) VALUES (?, 'big', ?)")) {
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
                sync(a).syncNow();
                sync(b).syncNow();
                assertEquals(40, count(b, "title = 'big' AND length(data) = " + 100 * 1024), "every row that fits a push arrived");
                assertEquals(1, count(b, "id = 'huge' AND data IS NULL"), "the row came, its cell too large for any push did not");
                assertEquals(1, sync(a).status().deadLetters(), "the cell that cannot fit is kept and visible in status()");
                assertTrue(hub.metrics().refusalsByReason().getOrDefault("http_413", 0L) == 0, "nothing was sent that the hub had to refuse");
            }
        }
    }

    @Test
    void aHubRestoredFromABackupOfItsStoreGetsBackWhatAReplicaThatNeverReturnsPushed() throws Exception {
        hubRestoredFromABackupGetsEverythingBack(false);
    }

    @Test
    void aHubRestoredFromASnapshotOfItsWholeDataFolderIsNoticedDespiteLaterPushes() throws Exception {
        hubRestoredFromABackupGetsEverythingBack(true);
    }

    /**
     * Replicas a and b, and a laptop that pushes 10 rows after the hub's backup and is then lost. The hub is restored
     * (its store file, or the whole data folder as a volume snapshot does); before a and b come back, pushes to another
     * namespace move the hub's sequence past their cursors. A new replica must still get every row.
     */
    private void hubRestoredFromABackupGetsEverythingBack(boolean wholeFolder) throws Exception {
        Path live = Files.createDirectories(dir.resolve("data"));
        Path backup = Files.createDirectories(dir.resolve("backup"));
        Path data = live.resolve("hub.db");
        HubServer hub = Replicas.hub(data, 0);
        int port = hub.port();
        String url = hub.uri().toString();
        try (Connection a = open(dir.resolve("a.db"), url, "&sync.interval=1h"); Connection b = open(dir.resolve("b.db"), url, "&sync.interval=1h")) {
            exec(a, "INSERT INTO item(id, title) VALUES ('before', 'x')");
            sync(a).syncNow();
            sync(b).syncNow();
            if (wholeFolder) {
                try (var files = Files.list(live)) {
                    for (Path f : files.toList()) Files.copy(f, backup.resolve(f.getFileName())); // as a volume snapshot does
                }
            } else {
                try (Connection raw = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data); Statement s = raw.createStatement()) {
                    s.execute("VACUUM INTO '" + backup.resolve("hub.db") + "'");
                }
            }
            try (Connection laptop = open(dir.resolve("laptop.db"), url, "&sync.interval=1h")) {
                for (int i = 0; i < 10; i++) exec(laptop, "INSERT INTO item(id, title) VALUES ('laptop" + i + "', 'y')");
                sync(laptop).syncNow();
            } // the laptop is lost: it never syncs again
            sync(a).syncNow();
            sync(b).syncNow();
            exec(b, "INSERT INTO item(id, title) VALUES ('b-after', 'z')");
            sync(b).syncNow();
            hub.close();
            try (var files = Files.list(live)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            try (var files = Files.list(backup)) {
                for (Path f : files.toList()) Files.copy(f, live.resolve(f.getFileName()));
            }
            hub = Replicas.hub(data, port);
            // pushes to another namespace move the hub's sequence past a's and b's cursors before they come back
            try (Connection other = DriverManager.getConnection(Replicas.url(dir.resolve("other.db"), url, "&sync.interval=1h").replace(Replicas.TOKEN,
                    Replicas.OTHER_TOKEN))) {
                exec(other, "CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT)");
                for (int i = 0; i < 40; i++) exec(other, "INSERT INTO note(body) VALUES ('n" + i + "')");
                sync(other).syncNow();
            }
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            sync(a).addListener(events::add);
            sync(a).syncNow();
            sync(b).syncNow();
            sync(a).syncNow();
            assertTrue(events.stream().anyMatch(e -> e.message().contains("has lost history")), events::toString);
            try (Connection fresh = open(dir.resolve("fresh.db"), url, "&sync.interval=1h")) {
                sync(fresh).syncNow();
                assertEquals(12, count(fresh, "1"), "every row any replica holds is back at the hub, the lost laptop's too");
            }
            assertEquals(1, count(a, "id = 'b-after'"), "a gets what b pushed after the backup, though numbered below a's cursor");
            exec(b, "INSERT INTO item(id, title) VALUES ('newer', 'z')");
            sync(b).syncNow();
            sync(a).syncNow();
            assertEquals(1, count(a, "id = 'newer'"), "and what comes after");
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
