package io.syncsqlite.transport.ws;

import static io.syncsqlite.transport.ws.WsReplicas.await;
import static io.syncsqlite.transport.ws.WsReplicas.count;
import static io.syncsqlite.transport.ws.WsReplicas.dump;
import static io.syncsqlite.transport.ws.WsReplicas.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import io.syncsqlite.hub.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hubs in front of one real PostgreSQL ({@link TestPostgres}), ten replicas spread over them writing at once over
 * WebSocket: each replica receives live what was pushed through the other hubs (PostgreSQL notifications wake the
 * hubs, the store is the truth), and all converge to the same rows.
 */
class HubsOverPostgresTest {
    @TempDir
    Path dir;

    @Test
    void tenReplicasSpreadOverThreeHubsWriteAtOnceAndConverge() throws Exception {
        String db = TestPostgres.newDatabase();
        List<HubServer> hubs = new ArrayList<>();
        List<Connection> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                hubs.add(HubServer.start(HubConfig.of(0, null, WsReplicas.tokens()).withStore(TestPostgres.store(db))
                        .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0))));
            }
            for (int r = 0; r < 10; r++) replicas.add(WsReplicas.open(dir.resolve("r" + r + ".db"), hubs.get(r % 3).wsUri().toString()));
            List<Exception> failures = new CopyOnWriteArrayList<>();
            List<Thread> writers = new ArrayList<>();
            for (int r = 0; r < replicas.size(); r++) {
                Connection c = replicas.get(r);
                int replica = r;
                writers.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 20; i++) exec(c, "INSERT INTO item(id, title, n) VALUES ('r" + replica + "-" + i + "', 'x', " + i + ")");
                    } catch (SQLException e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : writers) t.start();
            for (Thread t : writers) t.join();
            assertEquals(List.of(), failures);
            for (Connection c : replicas) await(Duration.ofSeconds(90), () -> count(c) == 200, "all 200 rows on every replica");
            String expected = dump(replicas.get(0));
            for (Connection c : replicas) assertEquals(expected, dump(c), "every replica holds the same rows");
            // the hubs are quiet now: one push through the first hub must still reach subscribers of the other two at once
            exec(replicas.get(0), "INSERT INTO item(id, title, n) VALUES ('late', 'y', 0)");
            for (Connection c : replicas) await(Duration.ofSeconds(20), () -> count(c) == 201, "the late row, live, on every replica");
        } finally {
            for (Connection c : replicas) c.close();
            for (HubServer h : hubs) h.close();
        }
    }

    /**
     * A hub reads a push stored through another hub once for all its subscribers of the namespace (StoreRelay), where
     * each subscriber used to read the store itself: a dozen subscribers, one read.
     */
    @Test
    void aPushThroughAnotherHubIsReadFromTheStoreOnceForAllSubscribers() throws Exception {
        String db = TestPostgres.newDatabase();
        List<Connection> readers = new ArrayList<>();
        try (HubServer a = HubServer.start(HubConfig.of(0, null, WsReplicas.tokens()).withStore(TestPostgres.store(db))
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)));
             HubServer b = HubServer.start(HubConfig.of(0, null, WsReplicas.tokens()).withStore(TestPostgres.store(db))
                     .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)));
             Connection writer = WsReplicas.open(dir.resolve("writer.db"), a.wsUri().toString())) {
            for (int r = 0; r < 12; r++) readers.add(WsReplicas.open(dir.resolve("reader" + r + ".db"), b.wsUri().toString()));
            for (int i = 0; i < 3; i++) {
                exec(writer, "INSERT INTO item(id, title, n) VALUES ('warm" + i + "', 'x', " + i + ")");
                int rows = i + 1;
                for (Connection c : readers) await(Duration.ofSeconds(60), () -> count(c) == rows, "row " + rows + ", live on every reader");
            }
            long pulls = b.metrics().pulls();
            exec(writer, "INSERT INTO item(id, title, n) VALUES ('one', 'y', 0)");
            for (Connection c : readers) await(Duration.ofSeconds(60), () -> count(c) == 4, "the row, live on every reader");
            long reads = b.metrics().pulls() - pulls;
            assertTrue(reads >= 1 && reads <= 2, "store reads of hub b for one push and 12 subscribers: " + reads);
        } finally {
            for (Connection c : readers) c.close();
        }
    }

    @Test
    void aReplicaListingTwoHubsGoesOnThroughTheSecondWhenTheFirstStops() throws Exception {
        String db = TestPostgres.newDatabase();
        HubServer a = HubServer.start(HubConfig.of(0, null, WsReplicas.tokens()).withStore(TestPostgres.store(db))
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)));
        try (HubServer b = HubServer.start(HubConfig.of(0, null, WsReplicas.tokens()).withStore(TestPostgres.store(db))
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)));
             Connection writer = WsReplicas.open(dir.resolve("writer.db"), a.wsUri() + "," + b.wsUri());
             Connection reader = WsReplicas.open(dir.resolve("reader.db"), b.wsUri().toString())) {
            for (int i = 0; i < 10; i++) exec(writer, "INSERT INTO item(id, title, n) VALUES ('before" + i + "', 'x', " + i + ")");
            await(Duration.ofSeconds(30), () -> count(reader) == 10, "pushed through a, live on b");
            a.close();
            for (int i = 0; i < 10; i++) exec(writer, "INSERT INTO item(id, title, n) VALUES ('after" + i + "', 'y', " + i + ")");
            await(Duration.ofSeconds(60), () -> count(reader) == 20, "pushed through b once a is gone");
            exec(reader, "INSERT INTO item(id, title, n) VALUES ('from-reader', 'z', 0)");
            await(Duration.ofSeconds(30), () -> count(writer) == 21, "and live back to the writer through b");
            assertEquals(dump(reader), dump(writer));
        } finally {
            a.close();
        }
    }
}
