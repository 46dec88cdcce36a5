package io.syncsqlite.bench;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.transport.http.HubClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many clients pushing small batches at once to one hub over HTTP: each client pushes one row (4 cells) per request,
 * back to back, through its own {@link HubClient} (own connection pool), as devices that each commit a row do. The
 * figure is pushes per second the hub acknowledged, and the hub's CPU per push (a figure that holds on a busy machine).
 */
final class PushLoad {
    /** Pushes acknowledged per second, and the CPU milliseconds per 1,000 pushes of the hub processes and of the clients (this JVM). */
    record Result(int clients, double pushesPerSecond, double hubCpuMsPerThousand, double clientCpuMsPerThousand) {
    }

    private PushLoad() {
    }

    /**
     * {@code clients} clients push to {@code link}'s hubs (client {@code i} to hub {@code i mod n}) for {@code warmup}
     * (not counted), then for {@code run}; the CPU is that of all hubs.
     */
    static Result measure(SyncBenchmarks.Link link, int clients, Duration warmup, Duration run) throws Exception {
        run(link, clients, warmup, "warmup");
        link.resetHubs();
        long clientCpu = CpuTime.process();
        long pushes = run(link, clients, run, "load");
        clientCpu = CpuTime.process() - clientCpu;
        long cpu = 0;
        for (Map<String, String> heap : link.hubHeaps()) cpu += Long.parseLong(heap.get("cpu"));
        double seconds = run.toNanos() / 1e9;
        return new Result(clients, pushes / seconds, CpuTime.msPerThousand(cpu, pushes), CpuTime.msPerThousand(clientCpu, pushes));
    }

    private static long run(SyncBenchmarks.Link link, int clients, Duration length, String prefix) throws Exception {
        AtomicLong pushes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long end = System.nanoTime() + length.toNanos();
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                String site = HexFormat.of().toHexDigits(t + 1L) + HexFormat.of().toHexDigits((long) prefix.hashCode());
                HubClient client = new HubClient(URI.create(link.url(t)), SyncBenchmarks.TOKEN, SyncBenchmarks.NAMESPACE, Duration.ofSeconds(60));
                running.add(pool.submit(() -> {
                    for (long n = 0; System.nanoTime() < end; n++) {
                        client.push(row(site, prefix + "-" + site + "-" + n), prefix + "." + n);
                        pushes.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) f.get();
        } finally {
            pool.shutdown();
        }
        return pushes.get();
    }

    /** One new row of 3 columns: its existence and 3 cells. */
    private static Changeset row(String site, String id) {
        long hlc = System.currentTimeMillis() << 16;
        List<Object> pk = List.of(id);
        return new Changeset(site, List.of(new Change("load", pk, null, null, hlc, site, 1), new Change("load", pk, "title", "title " + id, hlc, site, 1),
                new Change("load", pk, "n", 42L, hlc, site, 1), new Change("load", pk, "price", 4.25, hlc, site, 1)));
    }
}
