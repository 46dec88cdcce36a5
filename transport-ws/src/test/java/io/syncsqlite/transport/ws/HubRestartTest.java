package io.syncsqlite.transport.ws;

import static io.syncsqlite.transport.ws.WsReplicas.await;
import static io.syncsqlite.transport.ws.WsReplicas.count;
import static io.syncsqlite.transport.ws.WsReplicas.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.hub.HubMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub process is killed (kill -9) while replicas write, then restarted on its store: they reconnect and catch up. */
class HubRestartTest {
    @TempDir
    Path dir;

    @Test
    void replicasReconnectAfterTheHubIsKilledAndLoseOrDoubleNothing() throws Exception {
        int httpPort = freePort();
        int wsPort = freePort();
        Process hub = startHub(httpPort, wsPort, "first");
        List<Connection> replicas = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 3; i++) replicas.add(WsReplicas.open(dir.resolve("r" + i + ".db"), "ws://127.0.0.1:" + wsPort));
            AtomicBoolean hubDown = new AtomicBoolean();
            int rowsEach = 60;
            List<Future<?>> writers = new ArrayList<>();
            for (int i = 0; i < replicas.size(); i++) {
                Connection c = replicas.get(i);
                int me = i;
                writers.add(pool.submit(() -> {
                    for (int k = 0; k < rowsEach; k++) {
                        // the application never notices the hub going away: every write commits locally
                        exec(c, "INSERT INTO item(id, title, n) VALUES ('r" + me + "-" + k + "', '" + (hubDown.get() ? "offline" : "online") + "', " + k + ")");
                        Thread.sleep(10); // paces the writers so part of their writes fall while the hub is down
                    }
                    return null;
                }));
            }
            await(Duration.ofSeconds(20), () -> replicas.stream().allMatch(c -> count(c) >= 30), "first writes synced everywhere");
            hub.destroyForcibly().waitFor();
            hubDown.set(true);
            for (Future<?> w : writers) w.get();
            hub = startHub(httpPort, wsPort, "second");
            hubDown.set(false);
            long expected = 3L * rowsEach;
            await(Duration.ofSeconds(60), () -> replicas.stream().allMatch(c -> count(c) == expected), "every row on every replica after the restart");
            await(Duration.ofSeconds(10), () -> replicas.stream().map(WsReplicas::dump).distinct().count() == 1, "identical data");
            for (Connection c : replicas) assertEquals(expected, count(c), "no row lost or doubled");
        } finally {
            pool.shutdownNow();
            for (Connection c : replicas) c.close();
            hub.destroyForcibly().waitFor();
        }
    }

    private Process startHub(int httpPort, int wsPort, String run) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("hub-" + run + ".log");
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), HubMain.class.getName(),
                "--port", Integer.toString(httpPort), "--ws-port", Integer.toString(wsPort), "--data", dir.resolve("hub.db").toString(),
                "--token", WsReplicas.TOKEN + "=team-a").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await(Duration.ofSeconds(30), () -> read(log).contains("WebSocket on port " + wsPort) || !p.isAlive(), "the hub process to listen");
        if (!p.isAlive()) throw new IllegalStateException("hub process failed: " + read(log));
        return p;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
