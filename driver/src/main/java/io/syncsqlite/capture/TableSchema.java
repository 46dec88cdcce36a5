package io.syncsqlite.capture;

import java.util.List;

/**
 * A user table as SQLite describes it.
 *
 * @param name       the table name
 * @param columns    the stored (non-generated) columns, in declaration order
 * @param primaryKey the primary-key columns in key order; empty when the table has none
 * @param rowidKey   the key is a single {@code INTEGER PRIMARY KEY} of a rowid table, i.e. an alias of the rowid that
 *                   SQLite fills in itself when an insert leaves it out
 */
public record TableSchema(String name, List<String> columns, List<String> primaryKey, boolean rowidKey) {
    public TableSchema {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** Where the rowid-alias key sits among {@link #columns()} (the order of an INSERT without column list), or -1. */
    public int rowidKeyPosition() {
        return rowidKey ? columns.indexOf(primaryKey.get(0)) : -1;
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }
}
