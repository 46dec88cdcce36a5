package io.syncsqlite.hub;

import io.syncsqlite.change.SqliteValues;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves a store written by an earlier hub, one table row per cell ({@code hub_cells(ns, tbl, pk, col, val, hlc, site,
 * cl, seq)}), into {@code hub_rows}, one row per synced row ({@link StoredRow}), in one transaction on open. Each row
 * takes the greatest sequence of its cells: a client whose cursor is below it is sent the whole row, one at or above it
 * already held every cell; cursors, the epoch and the sequence counter stay as they were.
 */
final class CellTableMigration {
    private static final System.Logger LOG = System.getLogger(CellTableMigration.class.getName());

    private CellTableMigration() {
    }

    /** Migrates {@code hub_cells} on {@code writer} (not in auto-commit) if the store still has it, and commits. */
    static void run(Connection writer, Path file) throws SQLException {
        try (Statement s = writer.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hub_cells'")) {
            if (!rs.next()) return;
        }
        long t0 = System.nanoTime();
        long rows = 0;
        long cells = 0;
        try (Statement s = writer.createStatement();
             ResultSet rs = s.executeQuery("SELECT ns, tbl, pk, col, val, hlc, site, cl, seq FROM hub_cells ORDER BY ns, tbl, pk, col");
             StoredRows insert = new StoredRows(writer)) {
            String ns = null;
            String tbl = null;
            String pk = null;
            long seq = 0;
            List<StoredRow.Cell> row = new ArrayList<>();
            while (rs.next()) {
                if (!row.isEmpty() && !(rs.getString(1).equals(ns) && rs.getString(2).equals(tbl) && rs.getString(3).equals(pk))) {
                    insert.insert(ns, tbl, pk, seq, row);
                    rows++;
                    row.clear();
                    seq = 0;
                }
                ns = rs.getString(1);
                tbl = rs.getString(2);
                pk = rs.getString(3);
                row.add(new StoredRow.Cell(rs.getString(4), SqliteValues.read(rs, 5), rs.getLong(6), rs.getString(7), rs.getLong(8)));
                seq = Math.max(seq, rs.getLong(9));
                cells++;
            }
            if (!row.isEmpty()) {
                insert.insert(ns, tbl, pk, seq, row);
                rows++;
            }
        }
        try (Statement s = writer.createStatement()) {
            s.execute("DROP TABLE hub_cells"); // its sequence index goes with it
        }
        writer.commit();
        LOG.log(System.Logger.Level.INFO, "hub store {0}: moved {1} cells of {2} rows from hub_cells (one row per cell) to hub_rows in {3} ms",
                file, cells, rows, (System.nanoTime() - t0) / 1_000_000);
    }
}
