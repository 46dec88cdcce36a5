package io.syncsqlite.capture;

import java.util.List;

/**
 * A user table the driver captures, with the layout of its version table {@code _syncsqlite_v<id>}: one row per user
 * row keyed by {@code k0..kN} (the primary key), holding the row's causal length {@code cl}, the existence cell's
 * version {@code rh}/{@code rs}, and for every value column a clock {@code h<slot>} and a site index {@code s<slot>}.
 *
 * @param id         the table's stable id (never reused)
 * @param name       the table name
 * @param primaryKey the key columns in key order
 * @param columns    the value (non-key) columns present in the table now, with their version slots
 * @param rowidKeyPosition where the key sits among the table's stored columns when it is an {@code INTEGER PRIMARY
 *                   KEY} aliasing the rowid (so SQLite would pick it on insert), else -1
 */
public record CapturedTable(int id, String name, List<String> primaryKey, List<Slot> columns, int rowidKeyPosition) {
    /** A value column and the slot of its version in the version table. */
    public record Slot(String name, int slot) {
    }

    public CapturedTable {
        primaryKey = List.copyOf(primaryKey);
        columns = List.copyOf(columns);
    }

    public String versionTable() {
        return Sql.PREFIX + "v" + id;
    }

    /**
     * A composite key is stored in a rowid version table with a UNIQUE key, and the outbox refers to it by rowid;
     * a single key column makes the version table {@code WITHOUT ROWID} and the outbox holds the key itself.
     */
    public boolean compositeKey() {
        return primaryKey.size() > 1;
    }

    /** The key is an {@code INTEGER PRIMARY KEY} aliasing the rowid: inserts may leave it to the database. */
    public boolean rowidKey() {
        return rowidKeyPosition >= 0;
    }

    /** How many values an INSERT without column list supplies per row. */
    public int storedColumnCount() {
        return primaryKey.size() + columns.size();
    }

    /** The value column SQLite would resolve {@code name} to (case-insensitively), or {@code null}. */
    public Slot column(String name) {
        int i = indexOf(name);
        return i < 0 ? null : columns.get(i);
    }

    /** Position of the value column {@code column} names (case-insensitively, as SQLite does), or -1. */
    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) if (Sql.sameIdentifier(columns.get(i).name, column)) return i;
        return -1;
    }
}
