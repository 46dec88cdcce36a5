package io.syncsqlite.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.hub.HubServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hub throughput and bootstrap time, not part of the default run:
 * {@code mvn -o -pl transport-http -am verify -Dhub.bench=true -Dtest=HubBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * figures go to {@code transport-http/target/hub-bench.txt}.
 */
@EnabledIfSystemProperty(named = "hub.bench", matches = "true")
class HubBenchmark {
    private static final int CLIENTS = 20;
    private static final Duration RUN = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final StringBuilder report = new StringBuilder();

    @Test
    void throughputAndBootstrap() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            for (int rowsPerPush : new int[] {1, 100}) pushLoad(hub.uri(), rowsPerPush);
            bootstrap(hub.uri());
        }
        Files.writeString(Path.of("target", "hub-bench.txt"), report);
        System.out.print(report);
    }

    /** CLIENTS threads push rows of 3 columns (4 cells each) back to back for RUN. */
    private void pushLoad(URI hub, int rowsPerPush) throws Exception {
        AtomicLong pushes = new AtomicLong();
        AtomicLong changes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        long end = start + RUN.toNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            String site = HexFormat.of().toHexDigits(t + 1L) + HexFormat.of().toHexDigits((long) rowsPerPush);
            HubClient client = new HubClient(hub, Replicas.TOKEN, null, Duration.ofSeconds(30));
            futures.add(pool.submit(() -> {
                for (long n = 0; System.nanoTime() < end; n++) {
                    Changeset cs = rows(site, "load" + rowsPerPush, n * rowsPerPush, rowsPerPush, System.currentTimeMillis() << 16);
                    client.push(cs, n + ".0");
                    pushes.incrementAndGet();
                    changes.addAndGet(cs.size());
                }
                return null;
            }));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        report.append(String.format("%d clients, %d rows (%d changes) per push: %.0f pushes/s, %.0f changes/s over %.1f s%n",
                CLIENTS, rowsPerPush, rowsPerPush * 4, pushes.get() / seconds, changes.get() / seconds, seconds));
    }

    /** Seeds 100k rows on the hub, then times a new replica's first round through the driver. */
    private void bootstrap(URI hub) throws Exception {
        HubClient seeder = new HubClient(hub, Replicas.TOKEN, null, Duration.ofSeconds(60));
        String site = "ab".repeat(16);
        for (int batch = 0; batch < 100; batch++) seeder.push(rows(site, "item", batch * 1000L, 1000, System.currentTimeMillis() << 16), "seed" + batch);
        try (Connection fresh = Replicas.open(dir.resolve("fresh.db"), hub.toString(), "&sync.interval=1h&sync.pullLimit=10000")) {
            long start = System.nanoTime();
            Replicas.sync(fresh).syncNow();
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = Replicas.count(fresh, "1");
            report.append(String.format("bootstrap of a new replica: %d rows (%d changes; 100000 seeded + the load runs' rows) in %.1f s%n",
                    total, total * 4, seconds));
            assertEquals(100_000, Replicas.count(fresh, "id LIKE 'item-%'"));
        }
    }

    private static Changeset rows(String site, String prefix, long first, int count, long hlc) throws IOException {
        List<Change> out = new ArrayList<>(count * 4);
        for (long id = first; id < first + count; id++) {
            List<Object> pk = List.of(prefix + "-" + site.substring(0, 8) + "-" + id);
            out.add(new Change("item", pk, null, null, hlc, site, 1));
            out.add(new Change("item", pk, "title", "title " + id, hlc, site, 1));
            out.add(new Change("item", pk, "n", id, hlc, site, 1));
            out.add(new Change("item", pk, "price", id + 0.25, hlc, site, 1));
        }
        return new Changeset(site, out);
    }
}
