package io.syncsqlite.bench;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncResult;
import io.syncsqlite.bench.Databases.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * End-to-end sync between two replicas, and the bootstrap of a new replica, through a real transport: {@code nas}
 * (a local folder), {@code http} or {@code ws} (hubs in their own JVMs on loopback, over the embedded SQLite store or
 * one PostgreSQL database).
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
    private final BenchPostgres postgres;

    SyncBenchmarks(Path dir, Sizes sizes, Path jfrDir, BenchPostgres postgres) {
        this.dir = dir;
        this.sizes = sizes;
        this.jfrDir = jfrDir;
        this.postgres = postgres;
    }

    /**
     * Cells per second of each measured round (rows inserted on A, then A pushes and B pulls and applies them), and the
     * median seconds of A's round (its push) and of what followed until B held every row; with the CPU milliseconds per
     * 1,000 cells of the measured rounds spent by the hubs (all of them, JIT and GC included) and by this JVM while
     * syncing (replicas A and B, inserts excluded): figures that hold on a busy machine, where wall-clock ones do not.
     */
    record Throughput(Stats cellsPerSecond, long cellsPerRound, double pushSeconds, double restSeconds, double hubCpuMsPerThousand,
                      double clientCpuMsPerThousand) {
    }

    /** Time until a new replica held every row, its heap, and (http only) the hub's heap during the bootstrap. */
    record Bootstrap(long rows, long expected, double seconds, double seedSeconds, Map<String, String> replicaHeap, Map<String, String> hubHeap,
                     String failure) {
        boolean complete() {
            return failure == null && rows >= expected;
        }
    }

    /**
     * The hubs a transport syncs through: the embedded SQLite store (one hub), or one PostgreSQL database shared by
     * {@code instances} hubs.
     */
    record HubSetup(boolean postgres, int instances) {
        static final HubSetup SQLITE = new HubSetup(false, 1);

        /** {@code sqlite}, {@code postgres} (one hub) or {@code postgres-N} (N hubs). */
        static HubSetup parse(String name) {
            if (name.equals("sqlite")) return SQLITE;
            if (name.equals("postgres")) return new HubSetup(true, 1);
            if (name.startsWith("postgres-")) return new HubSetup(true, Integer.parseInt(name.substring("postgres-".length())));
            throw new IllegalArgumentException("unknown hub store setup " + name + ": sqlite, postgres or postgres-N");
        }

        /** How a table row names it: nothing for the default (SQLite), else the store and the hubs. */
        String label() {
            return postgres ? " [postgres, " + instances + " hub" + (instances == 1 ? "" : "s") + "]" : "";
        }
    }

    /**
     * Where one transport's replicas sync through: a folder (nas), or hub child processes that live as long as this,
     * replica {@code i} talking to hub {@code i mod n} (so with several hubs, A pushes to one and B reads from another).
     */
    final class Link implements AutoCloseable {
        final String transport;
        /** Names the replicas' files of this link (one per transport and hub setup). */
        final String name;
        final List<ChildJvm> hubs;
        private final List<String> urls;

        private Link(String transport, String name, List<ChildJvm> hubs, List<String> urls) {
            this.transport = transport;
            this.name = name;
            this.hubs = hubs;
            this.urls = urls;
        }

        /** The URL of hub {@code i mod n} for this transport (the folder for nas). */
        String url(int i) {
            return urls.get(i % urls.size());
        }

        /** The connection parameters of replica {@code i}. */
        String params(int i) {
            if (transport.equals("nas")) return "&sync.transport=nas&sync.dir=" + url(i) + "&sync.interval=1h";
            return "&sync.transport=" + transport + "&sync.url=" + url(i) + "&sync.token=" + TOKEN + "&sync.namespace=" + NAMESPACE
                    + "&sync.interval=1h&sync.timeout=120s";
        }

        /** Forgets the hubs' heap peaks and CPU so far. */
        void resetHubs() throws IOException {
            for (ChildJvm h : hubs) h.send("reset");
            for (ChildJvm h : hubs) h.await("RESET");
        }

        /** The heap and CPU since the last reset of each hub. */
        List<Map<String, String>> hubHeaps() throws IOException {
            for (ChildJvm h : hubs) h.send("heap");
            List<Map<String, String>> out = new ArrayList<>();
            for (ChildJvm h : hubs) out.add(h.await("HEAP"));
            return out;
        }

        @Override
        public void close() throws InterruptedException {
            for (ChildJvm h : hubs) h.close();
        }
    }

    Link nas(String name) throws IOException {
        Path share = Files.createDirectories(dir.resolve(name + "-share"));
        return new Link("nas", name, List.of(), List.of(share.toString()));
    }

    /** {@code http} or {@code ws} through a hub of its own (store {@code <name>-hub.db}) in its own JVM. */
    Link hub(String transport, String name) throws IOException, SQLException {
        return hub(transport, name, HubSetup.SQLITE);
    }

    /** {@code http} or {@code ws} through hubs of their own in their own JVMs, over the store {@code setup} names. */
    Link hub(String transport, String name, HubSetup setup) throws IOException, SQLException {
        String store = setup.postgres() ? postgres.newDatabase() : dir.resolve(name + "-hub.db").toString();
        List<ChildJvm> hubs = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            for (int i = 0; i < setup.instances(); i++) {
                ChildJvm hub = new ChildJvm(name + "-hub" + (i == 0 ? "" : "-" + i), CHILD_HEAP, jfrDir, dir, HubProcess.class, store, TOKEN, NAMESPACE);
                hubs.add(hub);
                Map<String, String> ports = hub.await("PORT");
                urls.add(transport.equals("ws") ? "ws://127.0.0.1:" + ports.get("ws") : "http://127.0.0.1:" + ports.get("port"));
            }
        } catch (IOException | RuntimeException e) {
            for (ChildJvm h : hubs) {
                try {
                    h.close();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
        return new Link(transport, name, hubs, urls);
    }

    Throughput throughput(Link link) throws SQLException, InterruptedException, IOException {
        String name = "e2e-" + link.name;
        try (Connection a = Databases.open(Kind.SYNC, dir.resolve(name + "-a.db"), link.params(0));
             Connection b = Databases.open(Kind.SYNC, dir.resolve(name + "-b.db"), link.params(1))) {
            Databases.exec(a, Workloads.ITEM_TABLE);
            Databases.exec(b, Workloads.ITEM_TABLE);
            SyncConnection syncA = a.unwrap(SyncConnection.class);
            SyncConnection syncB = b.unwrap(SyncConnection.class);
            int rows = sizes.syncRows();
            double[] rates = new double[sizes.syncRounds()];
            double[] push = new double[sizes.syncRounds()];
            double[] rest = new double[sizes.syncRounds()];
            long cells = 0;
            long allCells = 0;
            long clientCpu = 0;
            boolean live = link.transport.equals("ws");
            for (int r = 0; r < 1 + sizes.syncRounds(); r++) {
                Databases.insertItems(a, (long) r * rows, rows);
                if (r == 1) link.resetHubs(); // round 0 warms up
                long cpu0 = CpuTime.process();
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
                    clientCpu += CpuTime.process() - cpu0;
                    allCells += cells;
                    rates[r - 1] = cells / (elapsed / 1e9);
                    push[r - 1] = (pushed - t0) / 1e9;
                    rest[r - 1] = (t0 + elapsed - pushed) / 1e9;
                }
            }
            long hubCpu = 0;
            for (Map<String, String> heap : link.hubHeaps()) hubCpu += Long.parseLong(heap.get("cpu"));
            return new Throughput(Stats.of(rates), cells, Stats.of(push).median(), Stats.of(rest).median(), CpuTime.msPerThousand(hubCpu, allCells),
                    CpuTime.msPerThousand(clientCpu, allCells));
        }
    }

    /**
     * Seeds a replica with {@code rows} existing rows (written with plain SQLite, then opened with syncsqlite, which
     * publishes rows that predate capture), then times a new replica in a child JVM with {@code -Xmx256m}.
     */
    Bootstrap bootstrap(Link link) throws IOException, SQLException, InterruptedException {
        String name = "bootstrap-" + link.name;
        int rows = sizes.bootstrapRows(link.transport);
        Path plainSeed = plainSeed(rows);
        Path seed = dir.resolve(name + "-seed.db");
        Files.copy(plainSeed, seed);
        long s0 = System.nanoTime();
        try (Connection c = Databases.open(Kind.SYNC, seed, link.params(0))) {
            SyncConnection sync = c.unwrap(SyncConnection.class);
            int pushed;
            do {
                pushed = sync.syncNow().pushed();
            } while (pushed > 0);
        }
        double seedSeconds = (System.nanoTime() - s0) / 1e9;
        link.resetHubs();
        String url = Kind.SYNC.prefix + dir.resolve(name + "-new.db") + "?" + Databases.PRAGMAS + link.params(1);
        Map<String, String> result;
        try (ChildJvm replica = new ChildJvm(name + "-replica", CHILD_HEAP, jfrDir, dir, BootstrapReplica.class, url,
                Integer.toString(rows), Integer.toString(sizes.bootstrapTimeoutSeconds()))) {
            result = replica.await("RESULT");
        } catch (IOException e) {
            // e.g. OutOfMemoryError under -Xmx256m: a result of its own, not a reason to lose the rest of the table
            return new Bootstrap(0, rows, 0, seedSeconds, Map.of(), null, e.getMessage());
        }
        // the hub the new replica read from
        Map<String, String> hubHeap = link.hubs.isEmpty() ? null : link.hubHeaps().get(1 % link.hubs.size());
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
