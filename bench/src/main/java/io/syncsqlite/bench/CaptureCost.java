package io.syncsqlite.bench;

import io.syncsqlite.Compaction;
import io.syncsqlite.SyncConnection;
import io.syncsqlite.capture.Transactions;
import io.syncsqlite.capture.VersionFold;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The other half of capture's cost: the engine folding captured writes into the version tables (off the application's
 * path, docs/write-cost.md), and what the metadata of deleted rows keeps on disk.
 */
final class CaptureCost {
    /** Entries per fold transaction, as the engine's slices take them. */
    private static final int FOLD_SLICE = 500;

    private CaptureCost() {
    }

    /**
     * Rows the engine folds per second: {@code rows} inserts captured in one transaction, then folded in slices of
     * {@link #FOLD_SLICE} entries, each its own transaction, as the engine's are.
     */
    static void foldThroughput(Path dir, int rows, Table table) throws SQLException {
        Path file = dir.resolve("fold.db");
        try (Connection c = Databases.open(Databases.Kind.SYNC, file, "")) {
            Databases.exec(c, Workloads.ITEM_TABLE);
            Databases.insertItems(c, 0, rows);
        }
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file + "?" + Databases.PRAGMAS)) {
            long t0 = System.nanoTime();
            while (Transactions.write(raw, () -> VersionFold.step(raw, FOLD_SLICE)) > 0) {
                // one slice per transaction
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            table.figure("capture", "engine fold of " + rows / 1000 + "k captured inserts (" + FOLD_SLICE + " per transaction)",
                    String.format("%,.0f rows/s", rows / seconds), "off the application's path", null);
        }
    }

    /**
     * File space in use (pages not on the free list) after {@code rows} inserts and then deletes of every row, plain
     * against syncsqlite once its engine has folded and published everything (through the in-JVM transport), before and
     * after {@code SyncConnection.compact()} collects the tombstones.
     */
    static void deletedRowsFootprint(Path dir, int rows, Table table) throws Exception {
        Path plainFile = dir.resolve("size-plain.db");
        Path syncFile = dir.resolve("size-sync.db");
        try (Connection plain = Databases.open(Databases.Kind.PLAIN, plainFile, "");
             Connection sync = Databases.open(Databases.Kind.SYNC, syncFile, "&sync.transport=memory&sync.namespace=size-" + System.nanoTime()
                     + "&sync.interval=1h")) {
            for (Connection c : new Connection[] {plain, sync}) {
                Databases.exec(c, Workloads.ITEM_TABLE);
                Databases.insertItems(c, 0, rows);
                Databases.exec(c, "DELETE FROM item");
            }
            SyncConnection engine = sync.unwrap(SyncConnection.class);
            engine.syncNow();
            long plainBytes = usedBytes(plain);
            long keptBytes = usedBytes(sync);
            Compaction compacted = engine.compact();
            long syncBytes = usedBytes(sync);
            table.figure("capture", "space in use after " + rows / 1000 + "k inserts and deletes of every row",
                    String.format("plain %,d KB; syncsqlite %,d KB after compact() (%,d tombstones collected), %,d KB before", plainBytes >> 10,
                            syncBytes >> 10, compacted.tombstones(), keptBytes >> 10), "deleted rows' metadata collected", null);
        }
    }

    private static long usedBytes(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT (p.page_count - f.freelist_count) * z.page_size FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() z")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
