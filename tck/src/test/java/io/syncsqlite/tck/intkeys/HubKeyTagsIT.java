package io.syncsqlite.tck.intkeys;

import static io.syncsqlite.keys.IntIds.exec;
import static io.syncsqlite.keys.IntIds.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import io.syncsqlite.hub.Tokens;
import io.syncsqlite.keys.IntIds;
import io.syncsqlite.keys.KeyScheme;
import io.syncsqlite.transport.http.HubClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replicas syncing through a real hub on loopback (HTTP and WebSocket) get key blocks the hub grants: ids that fit an
 * int and never collide, even where two replicas' provisional tags are the same; grants survive restarts of the hub,
 * and a replica presents its tag again to a hub restored from a backup taken before the grant.
 */
class HubKeyTagsIT {
    private static final String TOKEN = "token-keys";
    private static final String NS = "keys";
    private static final long BLOCK = 1L << 20;
    private static final String SCHEMA = "CREATE TABLE IF NOT EXISTS item(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)";

    @TempDir
    Path dir;

    private static HubServer hub(Path db, int port, int wsPort) throws Exception {
        return HubServer.start(HubConfig.of(port, db, new Tokens().grant(TOKEN, NS)).withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(wsPort)));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Connection replica(Path file, String transport, HubServer hub) throws SQLException {
        String url = transport.equals("ws") ? "ws://127.0.0.1:" + hub.wsPort() : hub.uri().toString();
        return DriverManager.getConnection("jdbc:syncsqlite:" + file + "?sync.transport=" + transport + "&sync.url=" + url + "&sync.token=" + TOKEN
                + "&sync.timeout=10s&sync.interval=1h");
    }

    /** Creates the schema without any transport and returns the file's site id (its provisional tag is known before it syncs). */
    private static String offline(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file)) {
            exec(c, SCHEMA);
            return c.unwrap(SyncConnection.class).siteId();
        }
    }

    private static HubClient client(HubServer hub) {
        return new HubClient(hub.uri(), TOKEN, NS, Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "ws"})
    void replicasInsertingConcurrentlyThroughAHubGetIntKeysThatNeverCollide(String transport) throws Exception {
        int replicas = 4;
        int rows = 200;
        HubServer hub = hub(dir.resolve("hub.db"), 0, 0);
        List<Connection> conns = new ArrayList<>();
        try {
            List<String> sites = new ArrayList<>();
            for (int r = 0; r < replicas; r++) sites.add(offline(dir.resolve("r" + r + ".db")));
            // another replica already holds r0's provisional tag: without the hub's grant r0 would write into its block
            String other = "0123456789abcdef0123456789abcdef";
            int taken = KeyScheme.provisionalTag(sites.get(0));
            assertEquals(OptionalInt.of(taken), client(hub).claimKeyTag(other, taken));
            for (int r = 0; r < replicas; r++) {
                Connection c = replica(dir.resolve("r" + r + ".db"), transport, hub);
                conns.add(c);
                c.unwrap(SyncConnection.class).syncNow(); // the first round asks the hub for this replica's key block
            }
            IntIds.insertConcurrently(conns, rows);
            syncUntil(conns, replicas * rows);
            Map<String, Long> granted = grants(dir.resolve("hub.db"));
            Set<Long> blocks = new HashSet<>();
            for (int r = 0; r < replicas; r++) {
                Connection c = conns.get(r);
                assertEquals(replicas * rows, scalar(c, "SELECT count(DISTINCT name) FROM item"), "no row replaced another one with the same key");
                assertTrue(scalar(c, "SELECT max(id) FROM item") < (1L << 31), "every key fits an int");
                assertEquals(1, scalar(c, "SELECT count(DISTINCT id / " + BLOCK + ") FROM item WHERE name LIKE 'r" + r + "-%'"), "r" + r + "'s rows share one block");
                long block = scalar(c, "SELECT min(id) / " + BLOCK + " FROM item WHERE name LIKE 'r" + r + "-%'");
                assertEquals(granted.get(sites.get(r)), block, "r" + r + " writes in the block the hub granted it: " + granted);
                blocks.add(block);
            }
            assertEquals(replicas, blocks.size(), "every replica has a block of its own: " + blocks);
            assertTrue(!blocks.contains((long) taken), "r0 did not write into the block another replica holds");
            assertEquals(conns.get(0).unwrap(SyncConnection.class).siteId(), sites.get(0));
        } finally {
            for (Connection c : conns) c.close();
            hub.close();
        }
    }

    @Test
    void grantsSurviveARestartAndAReplicaPresentsItsTagAgainToARestoredHub() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path store = data.resolve("hub.db");
        Path backup = dir.resolve("backup.db");
        int port = freePort();
        HubServer hub = hub(store, port, 0);
        try {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store); Statement s = c.createStatement()) {
                s.execute("VACUUM INTO '" + backup + "'"); // the operator's backup, taken before any grant
            }
            try (Connection a = replica(dir.resolve("a.db"), "http", hub)) {
                exec(a, SCHEMA);
                a.unwrap(SyncConnection.class).syncNow();
                exec(a, "INSERT INTO item(name) VALUES ('a-0')");
                a.unwrap(SyncConnection.class).syncNow();
                String site = a.unwrap(SyncConnection.class).siteId();
                long tag = scalar(a, "SELECT id FROM item") / BLOCK;
                assertEquals(tag, grants(store).get(site), "the hub stored the grant");

                hub.close();
                hub = hub(store, port, 0);
                assertNotEquals(OptionalInt.of((int) tag), client(hub).claimKeyTag("11111111111111111111111111111111", (int) tag),
                        "after a restart the hub still knows whose the tag is");
                assertEquals(OptionalInt.of((int) tag), client(hub).claimKeyTag(site, 0), "and answers its owner with it");

                hub.close();
                for (String f : new String[] {"hub.db", "hub.db-wal", "hub.db-shm"}) Files.deleteIfExists(data.resolve(f));
                Files.copy(backup, store);
                hub = hub(store, port, 0);
                assertEquals(null, grants(store).get(site), "the restored store lost the grant");
                a.unwrap(SyncConnection.class).syncNow(); // told of the restore: republishes, then presents its tag again
                assertEquals(tag, grants(store).get(site), "the replica's tag is recorded again: " + grants(store));
                assertNotEquals(OptionalInt.of((int) tag), client(hub).claimKeyTag("22222222222222222222222222222222", (int) tag));
                exec(a, "INSERT INTO item(name) VALUES ('a-1')");
                assertEquals(tag, scalar(a, "SELECT id FROM item WHERE name = 'a-1'") / BLOCK, "a goes on in its block");
            }
        } finally {
            hub.close();
        }
    }

    /** The hub's grants, site → tag, read from its store file. */
    private static Map<String, Long> grants(Path store) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT site, tag FROM hub_keytags WHERE ns = '" + NS + "'")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    private static void syncUntil(List<Connection> conns, long rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            boolean all = true;
            for (Connection c : conns) {
                c.unwrap(SyncConnection.class).syncNow();
                all &= scalar(c, "SELECT count(*) FROM item") == rows;
            }
            if (all) return;
            if (System.nanoTime() > deadline) fail("replicas did not all reach " + rows + " rows within 90 s");
        }
    }
}
