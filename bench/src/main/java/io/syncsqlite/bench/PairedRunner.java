package io.syncsqlite.bench;

import io.syncsqlite.bench.Databases.Kind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a {@link PairedCase} on two fresh database files, one per driver, interleaving their rounds (plain then sync,
 * then sync then plain, ...) so that load from other processes hits both alike. The ratio is computed per round and
 * its median and min..max are reported, alongside each driver's median time per operation.
 */
final class PairedRunner {
    private final Path dir;
    private final Sizes sizes;
    private int files;

    PairedRunner(Path dir, Sizes sizes) {
        this.dir = dir;
        this.sizes = sizes;
    }

    Comparison run(PairedCase c) throws SQLException {
        int n = files++;
        try (Connection plain = Databases.open(Kind.PLAIN, dir.resolve("plain-" + n + ".db"), "");
             Connection sync = Databases.open(Kind.SYNC, dir.resolve("sync-" + n + ".db"), "")) {
            String plainPragmas = Databases.pragmas(plain);
            String syncPragmas = Databases.pragmas(sync);
            if (!plainPragmas.equals(syncPragmas)) {
                throw new IllegalStateException("pragmas differ: plain " + plainPragmas + ", sync " + syncPragmas);
            }
            c.prepare().run(plain);
            c.prepare().run(sync);
            double[] plainNs = new double[sizes.rounds()];
            double[] syncNs = new double[sizes.rounds()];
            double[] ratio = new double[sizes.rounds()];
            for (int r = 0; r < sizes.warmup() + sizes.rounds(); r++) {
                long p;
                long s;
                if (r % 2 == 0) {
                    p = time(c, plain, r);
                    s = time(c, sync, r);
                } else {
                    s = time(c, sync, r);
                    p = time(c, plain, r);
                }
                int m = r - sizes.warmup();
                if (m >= 0) {
                    plainNs[m] = (double) p / c.opsPerRound();
                    syncNs[m] = (double) s / c.opsPerRound();
                    ratio[m] = (double) s / p;
                }
            }
            return new Comparison(c.name(), Stats.of(plainNs), Stats.of(syncNs), Stats.of(ratio), c.target());
        }
    }

    private static long time(PairedCase c, Connection conn, int r) throws SQLException {
        c.before().run(conn, r);
        long t0 = System.nanoTime();
        c.round().run(conn, r);
        return System.nanoTime() - t0;
    }

    /** Median time per operation of each driver and the per-round ratio syncsqlite/plain. */
    record Comparison(String name, Stats plainNsPerOp, Stats syncNsPerOp, Stats ratio, double target) {
    }
}
