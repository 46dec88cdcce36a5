package io.syncsqlite.bench;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncResult;
import io.syncsqlite.bench.Databases.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * End-to-end sync between two replicas, and the bootstrap of a new replica, through a real transport: {@code nas}
 * (a local folder), {@code http} or {@code ws} (a hub in its own JVM on loopback).
 */
final class SyncBenchmarks {
    static final String TOKEN = "bench-token";
    static final String NAMESPACE = "bench";
    static final String CHILD_HEAP = "256m";
    /** Changes per row of {@code item}: the row's existence plus its 5 value columns. */
    static final int CELLS_PER_ROW = 6;

    private final Path dir;
    private final Sizes sizes;
    private final Path jfrDir;

    SyncBenchmarks(Path dir, Sizes sizes, Path jfrDir) {
        this.dir = dir;
        this.sizes = sizes;
        this.jfrDir = jfrDir;
    }

    /**
     * Cells per second of each measured round (rows inserted on A, then A pushes and B pulls and applies them), and the
     * median seconds of A's round (its push) and of what followed until B held every row.
     */
    record Throughput(Stats cellsPerSecond, long cellsPerRound, double pushSeconds, double restSeconds) {
    }

    /** Time until a new replica held every row, its heap, and (http only) the hub's heap during the bootstrap. */
    record Bootstrap(long rows, long expected, double seconds, double seedSeconds, Map<String, String> replicaHeap, Map<String, String> hubHeap,
                     String failure) {
        boolean complete() {
            return failure == null && rows >= expected;
        }
    }

    /** Where one transport's replicas sync through; for http, a hub child process that lives as long as this. */
    final class Link implements AutoCloseable {
        final String transport;
        final String params;
        final ChildJvm hub;

        private Link(String transport, String params, ChildJvm hub) {
            this.transport = transport;
            this.params = params;
            this.hub = hub;
        }

        @Override
        public void close() throws InterruptedException {
            if (hub != null) hub.close();
        }
    }

    Link nas(String name) throws IOException {
        Path share = Files.createDirectories(dir.resolve(name + "-share"));
        return new Link("nas", "&sync.transport=nas&sync.dir=" + share + "&sync.interval=1h", null);
    }

    /** {@code http} or {@code ws} through a hub of its own (store {@code <name>-hub.db}) in its own JVM. */
    Link hub(String transport, String name) throws IOException {
        ChildJvm hub = new ChildJvm(name + "-hub", CHILD_HEAP, jfrDir, dir, HubProcess.class, dir.resolve(name + "-hub.db").toString(), TOKEN, NAMESPACE);
        Map<String, String> ports = hub.await("PORT");
        String url = transport.equals("ws") ? "ws://127.0.0.1:" + ports.get("ws") : "http://127.0.0.1:" + ports.get("port");
        return new Link(transport, "&sync.transport=" + transport + "&sync.url=" + url + "&sync.token=" + TOKEN + "&sync.namespace=" + NAMESPACE
                + "&sync.interval=1h&sync.timeout=120s", hub);
    }

    Throughput throughput(Link link) throws SQLException, InterruptedException {
        String name = "e2e-" + link.transport;
        try (Connection a = Databases.open(Kind.SYNC, dir.resolve(name + "-a.db"), link.params);
             Connection b = Databases.open(Kind.SYNC, dir.resolve(name + "-b.db"), link.params)) {
            Databases.exec(a, Workloads.ITEM_TABLE);
            Databases.exec(b, Workloads.ITEM_TABLE);
            SyncConnection syncA = a.unwrap(SyncConnection.class);
            SyncConnection syncB = b.unwrap(SyncConnection.class);
            int rows = sizes.syncRows();
            double[] rates = new double[sizes.syncRounds()];
            double[] push = new double[sizes.syncRounds()];
            double[] rest = new double[sizes.syncRounds()];
            long cells = 0;
            boolean live = link.transport.equals("ws");
            for (int r = 0; r < 1 + sizes.syncRounds(); r++) {
                Databases.insertItems(a, (long) r * rows, rows);
                long t0 = System.nanoTime();
                syncA.syncNow();
                long pushed = System.nanoTime();
                cells = 0;
                if (live) {
                    // B is sent the rows as the hub accepts them: no round of its own, only wait for them
                    long deadline = System.nanoTime() + 120_000_000_000L;
                    while (Databases.count(b, "item") < (long) (r + 1) * rows && System.nanoTime() < deadline) Thread.sleep(2);
                    cells = (long) rows * CELLS_PER_ROW;
                }
                for (int i = 0; i < 20 && Databases.count(b, "item") < (long) (r + 1) * rows; i++) {
                    SyncResult pulled = syncB.syncNow();
                    cells += pulled.pulled();
                }
                long elapsed = System.nanoTime() - t0;
                if (Databases.count(b, "item") != (long) (r + 1) * rows) {
                    throw new IllegalStateException(link.transport + ": replica B did not receive round " + r + "'s rows");
                }
                if (r > 0) {
                    rates[r - 1] = cells / (elapsed / 1e9);
                    push[r - 1] = (pushed - t0) / 1e9;
                    rest[r - 1] = (t0 + elapsed - pushed) / 1e9;
                }
            }
            return new Throughput(Stats.of(rates), cells, Stats.of(push).median(), Stats.of(rest).median());
        }
    }

    /**
     * Seeds a replica with {@code rows} existing rows (written with plain SQLite, then opened with syncsqlite, which
     * publishes rows that predate capture), then times a new replica in a child JVM with {@code -Xmx256m}.
     */
    Bootstrap bootstrap(Link link) throws IOException, SQLException, InterruptedException {
        String name = "bootstrap-" + link.transport;
        int rows = sizes.bootstrapRows(link.transport);
        Path plainSeed = plainSeed(rows);
        Path seed = dir.resolve(name + "-seed.db");
        Files.copy(plainSeed, seed);
        long s0 = System.nanoTime();
        try (Connection c = Databases.open(Kind.SYNC, seed, link.params)) {
            SyncConnection sync = c.unwrap(SyncConnection.class);
            int pushed;
            do {
                pushed = sync.syncNow().pushed();
            } while (pushed > 0);
        }
        double seedSeconds = (System.nanoTime() - s0) / 1e9;
        if (link.hub != null) {
            link.hub.send("reset");
            link.hub.await("RESET");
        }
        String url = Kind.SYNC.prefix + dir.resolve(name + "-new.db") + "?" + Databases.PRAGMAS + link.params;
        Map<String, String> result;
        try (ChildJvm replica = new ChildJvm(name + "-replica", CHILD_HEAP, jfrDir, dir, BootstrapReplica.class, url,
                Integer.toString(rows), Integer.toString(sizes.bootstrapTimeoutSeconds()))) {
            result = replica.await("RESULT");
        } catch (IOException e) {
            // e.g. OutOfMemoryError under -Xmx256m: a result of its own, not a reason to lose the rest of the table
            return new Bootstrap(0, rows, 0, seedSeconds, Map.of(), null, e.getMessage());
        }
        Map<String, String> hubHeap = null;
        if (link.hub != null) {
            link.hub.send("heap");
            hubHeap = link.hub.await("HEAP");
        }
        return new Bootstrap(Long.parseLong(result.get("rows")), rows, Double.parseDouble(result.get("seconds")), seedSeconds, result,
                hubHeap, null);
    }

    /** The seed a bootstrap starts from: {@code rows} rows written with plain SQLite, before any capture; made once per size. */
    private Path plainSeed(int rows) throws SQLException {
        Path file = dir.resolve("seed-plain-" + rows + ".db");
        if (Files.exists(file)) return file;
        try (Connection c = Databases.open(Kind.PLAIN, file, "")) {
            Databases.exec(c, Workloads.ITEM_TABLE);
            for (int first = 0; first < rows; first += 100_000) Databases.insertItems(c, first, Math.min(100_000, rows - first));
        }
        return file;
    }
}
