package io.syncsqlite.bench;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.bench.Databases.Kind;
import io.syncsqlite.change.Envelope;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * Commit-to-visible latency over WebSocket: replica A commits one row, and the time until replica B's {@code CHANGED}
 * event (fired after B committed the row) is one sample. The other subscribers of the namespace are plain WebSocket
 * clients that receive every change and drop it: to the hub they are devices like B (the fan-out it does per commit),
 * without running hundreds of SQLite replicas on the bench machine.
 */
final class LiveLatency {
    /**
     * Commits made once, before the first row, and not reported. The bench JVM and the hub JVM start fresh: over their
     * first few hundred commits they interpret, then compile, the commit path (p50 6-8 ms in a first 200-commit row,
     * 2 ms in the same row run again), so without this the first row measured the JIT rather than its subscribers.
     */
    static final int JIT_WARMUP_COMMITS = 1_000;

    /** p50 and p99 in milliseconds over {@code samples} commits. */
    record Result(int subscribers, double p50, double p99, int samples) {
    }

    private LiveLatency() {
    }

    /**
     * A on the link's first hub, B on its second (the same one when there is one hub), the other subscribers spread
     * over all hubs.
     */
    static Result measure(Path dir, SyncBenchmarks.Link link, int subscribers, int samples) throws Exception {
        List<Listener> others = new ArrayList<>();
        String name = "latency-" + link.name + "-" + subscribers;
        try (Connection a = Databases.open(Kind.SYNC, dir.resolve(name + "-a.db"), link.params(0));
             Connection b = Databases.open(Kind.SYNC, dir.resolve(name + "-b.db"), link.params(1))) {
            Databases.exec(a, "CREATE TABLE IF NOT EXISTS ping(id INTEGER PRIMARY KEY, at INTEGER)");
            Databases.exec(b, "CREATE TABLE IF NOT EXISTS ping(id INTEGER PRIMARY KEY, at INTEGER)");
            Semaphore seen = new Semaphore(0);
            b.unwrap(SyncConnection.class).addListener(e -> {
                if (e.type() == SyncEvent.Type.CHANGED && e.tables().containsKey("ping")) seen.release();
            });
            a.unwrap(SyncConnection.class).syncNow();
            b.unwrap(SyncConnection.class).syncNow();
            for (int i = 1; i < subscribers; i++) others.add(new Listener(URI.create(link.url(i + 1))));
            int warmup = Math.max(10, samples / 10);
            double[] millis = new double[samples];
            long base = System.nanoTime() % 1_000_000_000L * 1000; // fresh ids per run, as the namespace is shared
            try (PreparedStatement insert = a.prepareStatement("INSERT INTO ping(id, at) VALUES (?, ?)")) {
                for (int i = 0; i < warmup + samples; i++) {
                    seen.drainPermits();
                    long t0 = System.nanoTime();
                    insert.setLong(1, base + i);
                    insert.setLong(2, t0);
                    insert.executeUpdate();
                    if (!seen.tryAcquire(30, TimeUnit.SECONDS)) throw new IllegalStateException("commit " + i + " not visible on B within 30 s");
                    if (i >= warmup) millis[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(millis);
            return new Result(subscribers, millis[samples / 2], millis[(int) Math.ceil(samples * 0.99) - 1], samples);
        } finally {
            for (Listener l : others) l.close();
        }
    }

    /** A subscriber that says hello and drops what it receives. */
    private static final class Listener extends WebSocketClient {
        Listener(URI uri) throws InterruptedException {
            super(uri);
            setDaemon(true);
            if (!connectBlocking(30, TimeUnit.SECONDS)) throw new IllegalStateException("no WebSocket connection to " + uri);
            send(Envelope.of("hello", "token", SyncBenchmarks.TOKEN, "since", 0L).encode());
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
        }

        @Override
        public void onMessage(String message) {
        }

        @Override
        public void onMessage(ByteBuffer message) {
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
        }

        @Override
        public void onError(Exception ex) {
        }
    }
}
