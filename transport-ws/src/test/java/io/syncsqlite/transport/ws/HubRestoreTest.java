package io.syncsqlite.transport.ws;

import static io.syncsqlite.transport.ws.WsReplicas.await;
import static io.syncsqlite.transport.ws.WsReplicas.count;
import static io.syncsqlite.transport.ws.WsReplicas.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.clock.Hlc;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hub restored from a snapshot of its whole data folder gets back, over WebSocket, everything any replica holds. */
class HubRestoreTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HubServer hub(Path data, int port, int wsPort) throws Exception {
        return HubServer.start(HubConfig.of(port, data, WsReplicas.tokens()).withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(wsPort)));
    }

    private static void copyFiles(Path from, Path to) throws Exception {
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
    }

    @Test
    void whatALostReplicaPushedAfterTheSnapshotComesBackAndLaterPushesDoNotHideTheRestore() throws Exception {
        Path live = Files.createDirectories(dir.resolve("data"));
        Path snapshot = Files.createDirectories(dir.resolve("snapshot"));
        int port = freePort();
        int wsPort = freePort();
        String ws = "ws://127.0.0.1:" + wsPort;
        HubServer hub = hub(live.resolve("hub.db"), port, wsPort);
        try (Connection a = WsReplicas.open(dir.resolve("a.db"), ws); Connection b = WsReplicas.open(dir.resolve("b.db"), ws)) {
            exec(a, "INSERT INTO item(id, title, n) VALUES ('before', 'x', 0)");
            await(Duration.ofSeconds(15), () -> count(b) == 1, "the first row on b");
            copyFiles(live, snapshot); // the operator's volume snapshot: the store and everything beside it
            try (Connection laptop = WsReplicas.open(dir.resolve("laptop.db"), ws)) {
                for (int i = 0; i < 10; i++) exec(laptop, "INSERT INTO item(id, title, n) VALUES ('laptop" + i + "', 'y', " + i + ")");
                await(Duration.ofSeconds(15), () -> count(a) == 11 && count(b) == 11, "the laptop's rows on a and b");
            } // the laptop is lost: it never connects again
            hub.close();
            try (var files = Files.list(live)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            copyFiles(snapshot, live);
            hub = hub(live.resolve("hub.db"), port, wsPort);
            // before a and b are back, 40 pushes to another namespace move the hub's sequence past their cursors
            String site = "0123456789abcdef0123456789abcdef";
            List<Change> notes = new ArrayList<>();
            for (int i = 0; i < 40; i++) notes.add(new Change("note", List.of((long) i), "body", "n" + i, Hlc.now(), site, 1));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.uri().resolve("/v1/push"))
                    .header("Authorization", "Bearer " + WsReplicas.OTHER_TOKEN).header("Sync-Batch", "1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ChangesetCodec.encode(new Changeset(site, notes)))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            try (Connection fresh = WsReplicas.open(dir.resolve("fresh.db"), ws)) {
                await(Duration.ofSeconds(90), () -> count(fresh) == 11, "every row on a new replica, the lost laptop's too");
            }
            assertEquals(WsReplicas.dump(a), WsReplicas.dump(b));
        } finally {
            hub.close();
        }
    }
}
