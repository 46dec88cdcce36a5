package io.syncsqlite.change;

import java.util.List;
import java.util.Objects;

/**
 * One versioned cell of one row, as exchanged between replicas.
 *
 * @param table  the table name
 * @param pk     the primary-key values, in the table's key order
 * @param column the column, or {@code null} for the row's existence cell
 * @param value  the cell value: {@code Long}, {@code Double}, {@code String}, {@code byte[]} or {@code null}
 * @param hlc    the hybrid-logical-clock version of the write
 * @param site   the 32-hex-digit id of the replica that wrote it
 * @param cl     the row's causal length at the write: odd while the row exists, even once deleted
 */
public record Change(String table, List<Object> pk, String column, Object value, long hlc, String site, long cl) {
    public Change {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(site, "site");
        pk = List.copyOf(pk);
    }

    public boolean isRowChange() {
        return column == null;
    }

    public boolean isAlive() {
        return (cl & 1) == 1;
    }

    /** Orders versions of the same cell: causal length first, then clock, then site. */
    public int compareVersion(long otherCl, long otherHlc, String otherSite) {
        int c = Long.compare(cl, otherCl);
        if (c != 0) return c;
        c = Long.compare(hlc, otherHlc);
        if (c != 0) return c;
        return site.compareTo(otherSite);
    }
}
