package io.syncsqlite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

/**
 * How wide a table the driver can capture. A table's version table holds two columns per value-column slot besides
 * its key and three more, and publishing reads key, versions and values of a row in one statement; both must stay
 * within SQLite's column limit ({@code SQLITE_LIMIT_COLUMN}, 2000 by default), or creating or reading them fails.
 */
final class TableWidth {
    /** SQLite's default {@code SQLITE_MAX_COLUMN}, used when the connection cannot tell its own limit. */
    private static final int DEFAULT_LIMIT = 2000;

    private TableWidth() {
    }

    /** The column limit of {@code c}'s database connection. */
    static int columnLimit(Connection c) throws SQLException {
        if (!c.isWrapperFor(SQLiteConnection.class)) return DEFAULT_LIMIT;
        return c.unwrap(SQLiteConnection.class).getDatabase().limit(SQLiteLimits.SQLITE_LIMIT_COLUMN.getId(), -1);
    }

    /**
     * @param keys    key columns
     * @param present value columns the table has now
     * @param slots   value-column slots its version table needs (present ones and those of dropped columns)
     */
    static boolean fits(int keys, int present, int slots, int limit) {
        int versionTable = keys + 3 + 2 * slots;
        int extractRow = keys + 3 + 3 * present + 2; // versions, values, and the outbox's whole/slots columns
        return versionTable <= limit && extractRow <= limit;
    }

    /** The warning for a table too wide to capture, naming it and the widest table that fits. */
    static String tooWide(TableSchema t, int limit, boolean wasCaptured) {
        int keys = t.primaryKey().size();
        int most = Math.min((limit - keys - 3) / 2, (limit - keys - 5) / 3);
        return "Table " + Sql.quote(t.name()) + " has " + (t.columns().size() - keys) + " value columns; syncsqlite can version at most " + most
                + " beside a " + keys + "-column key (SQLite's column limit is " + limit + "): "
                + (wasCaptured ? "it is no longer synced" : "it is not synced") + "; the database and every other table work as before";
    }
}
