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

    /**
     * Whether this change wins over the stored version {@code (otherCl, otherHlc, otherSite)} of the same cell, which
     * holds {@code otherValue}: the greater version wins, and an exact tie (one version, two values: a restored or
     * copied replica, a write by a tool that reused a clock value) goes to the greater value in SQLite's order, so
     * every replica and the hub pick the same one. {@code otherValue} is asked for only on a tie.
     */
    public <E extends Exception> boolean beats(long otherCl, long otherHlc, String otherSite, StoredValue<E> otherValue) throws E {
        int c = compareVersion(otherCl, otherHlc, otherSite);
        if (c != 0) return c > 0;
        return !isRowChange() && SqliteValues.compare(value, otherValue.get()) > 0;
    }

    /** The value a stored version holds, read only when a tie needs it. */
    @FunctionalInterface
    public interface StoredValue<E extends Exception> {
        Object get() throws E;
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
