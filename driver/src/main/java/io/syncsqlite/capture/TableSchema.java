package io.syncsqlite.capture;

import java.util.List;

/**
 * A user table as SQLite describes it.
 *
 * @param name       the table name
 * @param columns    the stored (non-generated) columns, in declaration order
 * @param primaryKey the primary-key columns in key order; empty when the table has none
 */
public record TableSchema(String name, List<String> columns, List<String> primaryKey) {
    public TableSchema {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }
}
