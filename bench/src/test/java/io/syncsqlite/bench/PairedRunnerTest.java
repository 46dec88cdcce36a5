package io.syncsqlite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.bench.Databases.Kind;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself, on tiny sizes: both drivers run the same work, and the figures come from real rounds. */
class PairedRunnerTest {
    private static final Sizes TINY = new Sizes(1, 3, 20, 200, 50, 6_000, 10, 1, 10, 10, 10, 10, 100);

    @TempDir
    Path dir;

    @Test
    void everyWriteWorkloadLeavesTheSameRowsUnderBothDrivers() throws Exception {
        PairedRunner runner = new PairedRunner(dir, TINY);
        List<PairedCase> writes = Workloads.writes(TINY);
        for (PairedCase c : writes) {
            PairedRunner.Comparison result = runner.run(c);
            assertEquals(TINY.rounds(), result.ratio().n(), c.name());
            assertTrue(result.plainNsPerOp().median() > 0 && result.syncNsPerOp().median() > 0, c.name());
            assertTrue(result.ratio().min() <= result.ratio().median() && result.ratio().median() <= result.ratio().max(), c.name());
        }
        // case 0 inserted (warmup + rounds) x autocommitRows rows, case 3 the same x txRows; plain and sync alike
        for (int n : new int[] {0, 3}) {
            try (Connection plain = Databases.open(Kind.PLAIN, dir.resolve("plain-" + n + ".db"), "");
                 Connection sync = Databases.open(Kind.SYNC, dir.resolve("sync-" + n + ".db"), "")) {
                long expected = (long) (TINY.warmup() + TINY.rounds()) * (n == 0 ? TINY.autocommitRows() : TINY.txRows());
                assertEquals(expected, Databases.count(plain, "item"));
                assertEquals(expected, Databases.count(sync, "item"));
            }
        }
        try (Connection plain = Databases.open(Kind.PLAIN, dir.resolve("plain-2.db"), "")) {
            long seeded = (long) TINY.autocommitRows() * (TINY.warmup() + TINY.rounds());
            assertEquals(0, Databases.count(plain, "item"), "the DELETE case removes every seeded row, " + seeded);
        }
    }

    @Test
    void readWorkloadsRunOnIdenticalData() throws Exception {
        PairedRunner runner = new PairedRunner(dir, TINY);
        for (PairedCase c : Workloads.reads(TINY)) assertEquals(TINY.rounds(), runner.run(c).syncNsPerOp().n(), c.name());
    }

    @Test
    void schemaWorkloadRebuildsRoundAfterRound() throws Exception {
        PairedRunner runner = new PairedRunner(dir, TINY);
        for (PairedCase c : Workloads.schema(TINY)) assertEquals(TINY.rounds(), runner.run(c).syncNsPerOp().n(), c.name());
    }

    @Test
    void bothDriversRunWithWalAndSynchronousNormal() throws Exception {
        try (Connection plain = Databases.open(Kind.PLAIN, dir.resolve("p.db"), "");
             Connection sync = Databases.open(Kind.SYNC, dir.resolve("s.db"), "")) {
            assertEquals("wal/1", Databases.pragmas(plain));
            assertEquals("wal/1", Databases.pragmas(sync));
        }
    }

    @Test
    void statsAreMedianAndRange() {
        Stats s = Stats.of(new double[] {5, 1, 3, 9});
        assertEquals(4, s.median());
        assertEquals(1, s.min());
        assertEquals(9, s.max());
        assertEquals(3, Stats.of(new double[] {3, 1, 7}).median());
    }
}
