package io.syncsqlite.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark suite of issue 7: {@code ./bench.sh [--quick] [--only writes,frameworks,capture,reads,schema,gate,sync,bootstrap,latency,pushes]
 * [--transports nas,http,ws] [--stores sqlite,postgres,postgres-3] [--bootstrap-rows N] [--jfr DIR] [--dir DIR]}. Progress goes to stderr, the table to stdout.
 */
public final class BenchMain {
    /** The transports the sync and bootstrap sections run through, in this order. */
    private static final List<String> TRANSPORTS = List.of("nas", "http", "ws");
    private static final Set<String> SECTIONS = Set.of("writes", "frameworks", "capture", "reads", "schema", "gate", "sync", "bootstrap", "latency", "pushes");
    private static final int[] SUBSCRIBERS = {1, 10, 50, 500, 1_000};
    private static final double SYNC_TARGET_CELLS = 250_000;
    private static final double BOOTSTRAP_TARGET_SECONDS = 15;
    private static final double HUB_BOOTSTRAP_TARGET_SECONDS = 10;
    private static final int BOOTSTRAP_TARGET_ROWS = 1_000_000;
    private static final long BOOTSTRAP_TARGET_HEAP = 256L << 20;
    private static final int PUSH_CLIENTS = 20;
    private static final double PUSH_TARGET = 5_000;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Logging.quiet();
        boolean quick = false;
        Integer bootstrapRows = null;
        Set<String> only = SECTIONS;
        List<String> transports = TRANSPORTS;
        List<SyncBenchmarks.HubSetup> setups = List.of(SyncBenchmarks.HubSetup.SQLITE);
        Path jfr = null;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> only = Set.of(value(args, ++i).split(","));
                case "--transports" -> transports = List.of(value(args, ++i).split(","));
                case "--stores" -> setups = hubSetups(value(args, ++i));
                case "--bootstrap-rows" -> bootstrapRows = Integer.parseInt(value(args, ++i));
                case "--jfr" -> jfr = Files.createDirectories(Path.of(value(args, ++i)).toAbsolutePath());
                case "--dir" -> dir = Path.of(value(args, ++i)).toAbsolutePath();
                default -> usage("unknown argument " + args[i]);
            }
        }
        Sizes sizes = quick ? Sizes.quick() : Sizes.full();
        if (bootstrapRows != null) sizes = sizes.withBootstrapRows(bootstrapRows);
        if (!SECTIONS.containsAll(only)) usage("--only takes a comma-separated subset of " + SECTIONS);
        if (!TRANSPORTS.containsAll(transports)) usage("--transports takes a comma-separated subset of " + TRANSPORTS);
        boolean keepFiles = dir != null;
        dir = keepFiles ? Files.createDirectories(dir) : Files.createTempDirectory("syncsqlite-bench");
        long start = System.nanoTime();
        // the machine's load before and after: on a shared machine the figures only compare at a similar load
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        PrintStream progress = System.err;
        progress.println("syncsqlite bench: " + Runtime.getRuntime().availableProcessors() + " cpus, java " + System.getProperty("java.vm.version")
                + ", " + sizes + ", files in " + dir);
        Table table = new Table();
        PairedRunner paired = new PairedRunner(dir, sizes);
        if (only.contains("writes")) paired("write", "writes", Workloads.writes(sizes), paired, table, progress);
        if (only.contains("frameworks")) paired("write", "frameworks", FrameworkWorkloads.writes(sizes), paired, table, progress);
        if (only.contains("capture")) {
            progress.println("  capture: engine fold throughput, space kept for deleted rows");
            CaptureCost.foldThroughput(dir, sizes.txRows(), table);
            CaptureCost.deletedRowsFootprint(dir, sizes.rebuildRows(), table);
        }
        if (only.contains("reads")) paired("read", "reads", Workloads.reads(sizes), paired, table, progress);
        if (only.contains("schema")) paired("schema", "schema", Workloads.schema(sizes), paired, table, progress);
        if (only.contains("gate")) {
            new GateLatency(dir, quick ? 50_000 : 200_000, quick ? 2_000 : 4_000, progress).run(table);
        }
        try (BenchPostgres postgres = new BenchPostgres()) {
            if (only.contains("sync") || only.contains("bootstrap")) {
                syncSections(only, transports, setups, sizes, dir, jfr, postgres, table, progress);
            }
            if (only.contains("latency")) latency(sizes, setups, dir, jfr, postgres, table, progress);
            if (only.contains("pushes")) pushes(quick, setups, dir, jfr, postgres, table, progress);
        }
        System.out.println();
        System.out.println("syncsqlite benchmark (" + (quick ? "quick" : "full") + ") on "
                + Runtime.getRuntime().availableProcessors() + " cpus, java " + System.getProperty("java.vm.version") + ", bench JVM -Xmx"
                + (Runtime.getRuntime().maxMemory() >> 20) + "m; both drivers: " + Databases.PRAGMAS.replace('&', ' ')
                + "; sync side captures only (no transport) for write/read rows");
        System.out.println("times are medians of " + sizes.rounds() + " rounds after " + sizes.warmup() + " warmup; ratio = syncsqlite/plain per round, median (min-max)");
        System.out.print(table.render());
        System.out.printf("total %.0f s; load average (1 min) %.2f before, %.2f after; JVM args %s%n", (System.nanoTime() - start) / 1e9, loadBefore,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (!keepFiles) deleteTree(dir);
    }

    /** Runs each case on both drivers and adds its row to {@code section} of the table. */
    private static void paired(String section, String label, List<PairedCase> cases, PairedRunner paired, Table table, PrintStream progress)
            throws SQLException {
        for (PairedCase c : cases) {
            progress.println("  " + label + ": " + c.name());
            table.paired(section, paired.run(c));
        }
    }

    /** The full run writes a few GB of databases; without --dir they are temporary. */
    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void syncSections(Set<String> only, List<String> transports, List<SyncBenchmarks.HubSetup> setups, Sizes sizes, Path dir, Path jfr,
                                     BenchPostgres postgres, Table table, PrintStream progress) throws Exception {
        SyncBenchmarks bench = new SyncBenchmarks(dir, sizes, jfr, postgres);
        for (String transport : transports) {
            // a shared folder has no hub: it runs once, whatever the hub setups
            for (SyncBenchmarks.HubSetup setup : transport.equals("nas") ? List.of(SyncBenchmarks.HubSetup.SQLITE) : setups) {
                String name = transport + (setup.postgres() ? "-pg" + setup.instances() : "");
                String through = transport + setup.label();
                try (SyncBenchmarks.Link link = transport.equals("nas") ? bench.nas(name) : bench.hub(transport, name, setup)) {
                    if (only.contains("sync")) {
                        progress.println("  sync: end to end through " + through);
                        SyncBenchmarks.Throughput t = bench.throughput(link);
                        Stats s = t.cellsPerSecond();
                        table.figure("sync", "end to end " + through + " (" + sizes.syncRows() + " rows x " + SyncBenchmarks.CELLS_PER_ROW + " cells per round)",
                                String.format("%,.0f cells/s (%,.0f-%,.0f); A's push %.2f s, then B %.2f s; cpu per 1,000 cells: %sreplicas %.1f ms",
                                        s.median(), s.min(), s.max(), t.pushSeconds(), t.restSeconds(),
                                        link.hubs.isEmpty() ? "" : String.format("hub %.1f ms, ", t.hubCpuMsPerThousand()), t.clientCpuMsPerThousand()), ">= 250,000 cells/s", s.median() >= SYNC_TARGET_CELLS);
                    }
                    if (only.contains("bootstrap")) {
                        progress.println("  bootstrap: " + sizes.bootstrapRows(transport) + " rows, new replica through " + through);
                        bootstrapRows(table, through, !transport.equals("nas"), bench.bootstrap(link));
                    }
                }
            }
        }
    }

    /**
     * ws commit-to-visible latency with 1, 10, 50, 500 and 1,000 subscribers of the namespace, through hubs in their own
     * JVMs (with several hubs, A commits through one and B and the other subscribers listen on the others).
     */
    private static void latency(Sizes sizes, List<SyncBenchmarks.HubSetup> setups, Path dir, Path jfr, BenchPostgres postgres, Table table,
                                PrintStream progress) throws Exception {
        SyncBenchmarks bench = new SyncBenchmarks(dir, sizes, jfr, postgres);
        for (SyncBenchmarks.HubSetup setup : setups) {
            try (SyncBenchmarks.Link link = bench.hub("ws", "latency" + (setup.postgres() ? "-pg" + setup.instances() : ""), setup)) {
                progress.println("  latency" + setup.label() + ": JIT warm-up, " + LiveLatency.JIT_WARMUP_COMMITS + " commits with 1 subscriber (not reported)");
                LiveLatency.measure(dir, link, 1, LiveLatency.JIT_WARMUP_COMMITS);
                for (int n : SUBSCRIBERS) {
                    progress.println("  latency" + setup.label() + ": ws commit-to-visible, " + n + " subscribers");
                    LiveLatency.Result r = LiveLatency.measure(dir, link, n, sizes.latencySamples());
                    boolean big = n > 50;
                    table.figure("latency", "ws commit-to-visible, " + n + " subscriber" + (n == 1 ? "" : "s") + " (" + r.samples() + " commits)" + setup.label(),
                            String.format("p50 %.1f ms, p99 %.1f ms", r.p50(), r.p99()), big ? "p99 <= 100 ms" : "p50 <= 5 ms, p99 <= 50 ms",
                            big ? r.p99() <= 100 : r.p50() <= 5 && r.p99() <= 50);
                }
            }
        }
    }

    /** {@value #PUSH_CLIENTS} clients pushing one row per request over HTTP, spread over the setup's hubs. */
    private static void pushes(boolean quick, List<SyncBenchmarks.HubSetup> setups, Path dir, Path jfr, BenchPostgres postgres, Table table,
                               PrintStream progress) throws Exception {
        SyncBenchmarks bench = new SyncBenchmarks(dir, Sizes.quick(), jfr, postgres);
        for (SyncBenchmarks.HubSetup setup : setups) {
            try (SyncBenchmarks.Link link = bench.hub("http", "pushes" + (setup.postgres() ? "-pg" + setup.instances() : ""), setup)) {
                progress.println("  pushes" + setup.label() + ": " + PUSH_CLIENTS + " clients, 1-row pushes over http");
                java.time.Duration run = java.time.Duration.ofSeconds(quick ? 5 : 15);
                PushLoad.Result r = PushLoad.measure(link, PUSH_CLIENTS, java.time.Duration.ofSeconds(quick ? 3 : 5), run);
                table.figure("pushes", PUSH_CLIENTS + " clients, 1-row pushes over http (" + run.toSeconds() + " s)" + setup.label(),
                        String.format("%,.0f pushes/s; cpu per 1,000 pushes: hub %.0f ms, clients %.0f ms", r.pushesPerSecond(), r.hubCpuMsPerThousand(),
                                r.clientCpuMsPerThousand()),
                        ">= 5,000 pushes/s", r.pushesPerSecond() >= PUSH_TARGET);
            }
        }
    }

    /** The bootstrap rows; through a hub the target is {@value #HUB_BOOTSTRAP_TARGET_SECONDS} s and a seed publish within {@value #BOOTSTRAP_TARGET_SECONDS} s. */
    private static void bootstrapRows(Table table, String through, boolean hub, SyncBenchmarks.Bootstrap b) {
        String what = String.format("new replica, %,d rows x 5 columns, through %s", b.expected(), through);
        double target = hub ? HUB_BOOTSTRAP_TARGET_SECONDS : BOOTSTRAP_TARGET_SECONDS;
        String targetText = hub ? "<= 10 s, seed publish <= 15 s" : "<= 15 s";
        if (b.failure() != null) {
            table.figure("bootstrap", what, "failed: " + b.failure(), targetText + ", heap <= 256 MB", false);
            return;
        }
        String result = b.complete()
                ? String.format("%.1f s (seed publish %.1f s)", b.seconds(), b.seedSeconds())
                : String.format("stopped after %.0f s with %,d of %,d rows (seed publish %.1f s)", b.seconds(), b.rows(), b.expected(), b.seedSeconds());
        // the target is for 1M rows: a smaller (--quick) bootstrap is reported without a verdict
        boolean atScale = b.expected() >= BOOTSTRAP_TARGET_ROWS;
        table.figure("bootstrap", what, result, atScale ? targetText : targetText + " for 1M rows",
                atScale ? Boolean.valueOf(b.complete() && b.seconds() <= target && (!hub || b.seedSeconds() <= BOOTSTRAP_TARGET_SECONDS)) : null);
        table.figure("bootstrap", "  replica JVM heap (-Xmx" + SyncBenchmarks.CHILD_HEAP + ")", heap(b.replicaHeap()), "<= 256 MB", fits(b.replicaHeap(), b.complete()));
        if (b.hubHeap() != null) {
            table.figure("bootstrap", "  hub JVM heap during bootstrap (-Xmx" + SyncBenchmarks.CHILD_HEAP + ")", heap(b.hubHeap()), "<= 256 MB", fits(b.hubHeap(), true));
        }
    }

    private static String heap(Map<String, String> h) {
        return String.format("peak used %d MB, peak live after GC %d MB; cpu %.1f s", Long.parseLong(h.get("peakUsed")) >> 20,
                Long.parseLong(h.get("peakLive")) >> 20, Long.parseLong(h.get("cpu")) / 1e9);
    }

    private static boolean fits(Map<String, String> h, boolean finished) {
        return finished && Long.parseLong(h.get("peakUsed")) <= BOOTSTRAP_TARGET_HEAP;
    }

    private static List<SyncBenchmarks.HubSetup> hubSetups(String names) {
        List<SyncBenchmarks.HubSetup> out = new java.util.ArrayList<>();
        for (String name : names.split(",")) {
            try {
                out.add(SyncBenchmarks.HubSetup.parse(name));
            } catch (IllegalArgumentException e) {
                usage(e.getMessage());
            }
        }
        return out;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) usage("missing value after " + args[i - 1]);
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: ./bench.sh [--quick] [--only " + String.join(",", SECTIONS) + "] [--transports " + String.join(",", TRANSPORTS)
                + "] [--stores sqlite,postgres,postgres-N] [--bootstrap-rows N] [--jfr DIR] [--dir DIR]");
        System.exit(2);
    }
}
