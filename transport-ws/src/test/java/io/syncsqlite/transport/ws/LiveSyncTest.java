package io.syncsqlite.transport.ws;

import static io.syncsqlite.transport.ws.WsReplicas.await;
import static io.syncsqlite.transport.ws.WsReplicas.count;
import static io.syncsqlite.transport.ws.WsReplicas.dump;
import static io.syncsqlite.transport.ws.WsReplicas.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.clock.Hlc;
import io.syncsqlite.hub.HubServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas syncing live over WebSocket through a real hub on loopback, with no syncNow() anywhere. */
class LiveSyncTest {
    @TempDir
    Path dir;

    @Test
    void commitOnOneReplicaAppearsOnTheOtherWithoutSyncNow() throws Exception {
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db"));
             Connection a = WsReplicas.open(dir.resolve("a.db"), hub.wsUri().toString());
             Connection b = WsReplicas.open(dir.resolve("b.db"), hub.wsUri().toString())) {
            exec(a, "INSERT INTO item(id, title, n) VALUES ('x', 'from a', 1)");
            await(Duration.ofSeconds(15), () -> count(b) == 1, "a's commit on b");
            exec(b, "UPDATE item SET title = 'edited on b' WHERE id = 'x'");
            await(Duration.ofSeconds(15), () -> dump(a).equals("x|'edited on b'|1"), "b's edit on a");
            a.setAutoCommit(false);
            exec(a, "INSERT INTO item(id, title, n) VALUES ('y', 'in a transaction', 2)");
            a.commit();
            a.setAutoCommit(true);
            await(Duration.ofSeconds(15), () -> count(b) == 2, "a's transaction on b");
            assertEquals(dump(a), dump(b));
        }
    }

    @Test
    void theBytesOfTheFramesAreCountedOnBothSides() throws Exception {
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db"));
             Connection a = WsReplicas.open(dir.resolve("a.db"), hub.wsUri().toString());
             Connection b = WsReplicas.open(dir.resolve("b.db"), hub.wsUri().toString())) {
            String title = "x".repeat(20_000);
            exec(a, "INSERT INTO item(id, title, n) VALUES ('big', '" + title + "', 1)");
            await(Duration.ofSeconds(15), () -> count(b) == 1, "a's commit on b");
            io.syncsqlite.SyncStatus sa = a.unwrap(io.syncsqlite.SyncConnection.class).status();
            io.syncsqlite.SyncStatus sb = b.unwrap(io.syncsqlite.SyncConnection.class).status();
            // the 20,000-character value crossed the wire once each way, with the frames and protocol around it
            assertTrue(sa.bytesSent() >= title.length() && sa.bytesSent() < 3 * title.length(), "a sent " + sa);
            assertTrue(sb.bytesReceived() >= title.length() && sb.bytesReceived() < 3 * title.length(), "b received " + sb);
            assertTrue(sa.bytesReceived() > 0 && sb.bytesSent() > 0, "hello and welcome, acks: " + sa + " " + sb);
        }
    }

    @Test
    void theHubsStatusNamesAWsClientByItsSiteAsItDoesHttpClients() throws Exception {
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db"));
             Connection a = WsReplicas.open(dir.resolve("a.db"), hub.wsUri().toString())) {
            exec(a, "INSERT INTO item(id, title, n) VALUES ('x', 'from a', 1)");
            a.unwrap(io.syncsqlite.SyncConnection.class).syncNow(); // connected, said hello, pushed
            String site = a.unwrap(io.syncsqlite.SyncConnection.class).siteId();
            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.uri().resolve("/v1/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("{\"protocol\":\"ws\",\"client\":\"" + site + "\",\"address\":\"127.0.0.1:"),
                    "the ws client named by its site id, with its address beside it: " + status.body());
        }
    }

    @Test
    void aPushOverHttpReachesWebSocketSubscribersAsItLands() throws Exception {
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db"));
             Connection b = WsReplicas.open(dir.resolve("b.db"), hub.wsUri().toString())) {
            String site = "0123456789abcdef0123456789abcdef";
            long hlc = Hlc.now();
            Changeset cs = new Changeset(site, List.of(new Change("item", List.of("h"), null, null, hlc, site, 1),
                    new Change("item", List.of("h"), "title", "pushed over http", hlc, site, 1)));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.uri().resolve("/v1/push"))
                    .header("Authorization", "Bearer " + WsReplicas.TOKEN).header("Sync-Batch", "1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ChangesetCodec.encode(cs))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            // one admission path (Hub.push) for both endpoints: the HTTP push is fanned out to the WebSocket subscriber
            await(Duration.ofSeconds(15), () -> dump(b).equals("h|'pushed over http'|NULL"), "the http push on the ws replica");
        }
    }

    @Test
    void twentyReplicasConvergeUnderConcurrentWrites() throws Exception {
        long seed = System.nanoTime();
        System.out.println("LiveSyncTest.twentyReplicasConvergeUnderConcurrentWrites seed=" + seed);
        int replicas = 20;
        int rowsEach = 15;
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db"))) {
            List<Connection> all = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(replicas);
            try {
                for (int i = 0; i < replicas; i++) all.add(WsReplicas.open(dir.resolve("r" + i + ".db"), hub.wsUri().toString()));
                List<Future<?>> writers = new ArrayList<>();
                for (int i = 0; i < replicas; i++) {
                    Connection c = all.get(i);
                    int me = i;
                    Random random = new Random(seed + i);
                    writers.add(pool.submit(() -> {
                        for (int k = 0; k < rowsEach; k++) {
                            exec(c, "INSERT INTO item(id, title, n) VALUES ('r" + me + "-" + k + "', 'new', " + k + ")");
                            // contended rows: every replica edits the same few, so the merge rule decides
                            exec(c, "INSERT INTO item(id, title, n) VALUES ('shared-" + random.nextInt(3) + "', 'by " + me + "', " + k + ")"
                                    + " ON CONFLICT(id) DO UPDATE SET title = excluded.title, n = excluded.n");
                        }
                        return null;
                    }));
                }
                for (Future<?> w : writers) w.get();
                long expected = replicas * rowsEach + 3;
                await(Duration.ofSeconds(60), () -> all.stream().allMatch(c -> count(c) == expected), "every row on every replica");
                await(Duration.ofSeconds(30), () -> all.stream().map(WsReplicas::dump).distinct().count() == 1, "identical data on every replica");
            } finally {
                pool.shutdownNow();
                for (Connection c : all) c.close();
            }
        }
    }
}
