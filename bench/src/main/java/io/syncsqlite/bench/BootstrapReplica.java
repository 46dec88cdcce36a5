package io.syncsqlite.bench;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncDriver;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * Child process of the bootstrap benchmark: opens a new, empty replica at the given URL, creates the application's
 * table and runs sync rounds until it holds the expected rows. Prints
 * {@code RESULT seconds=<s> rows=<n> rounds=<n> peakUsed=<bytes> peakLive=<bytes> max=<bytes>}.
 * Args: {@code <jdbc url> <expected rows> <timeout seconds>}.
 */
public final class BootstrapReplica {
    private BootstrapReplica() {
    }

    public static void main(String[] args) throws Exception {
        Logging.quiet();
        HeapWatch heap = new HeapWatch();
        long expected = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        long t0 = System.nanoTime();
        long rows = 0;
        int rounds = 0;
        try (Connection c = DriverManager.getConnection(args[0])) {
            Databases.exec(c, Workloads.ITEM_TABLE);
            SyncConnection sync = c.unwrap(SyncConnection.class);
            while (rows < expected && System.nanoTime() < deadline) {
                sync.syncNow();
                rounds++;
                rows = Databases.count(c, "item");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.println("RESULT seconds=" + seconds + " rows=" + rows + " rounds=" + rounds + " " + heap.report());
        } finally {
            SyncDriver.shutdown();
        }
    }
}
