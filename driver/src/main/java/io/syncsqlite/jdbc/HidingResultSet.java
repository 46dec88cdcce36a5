package io.syncsqlite.jdbc;

import io.syncsqlite.capture.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A metadata result set without the rows that describe the driver's own {@code _syncsqlite_} tables. */
final class HidingResultSet extends ResultSetWrapper {
    private static final String AUTOINDEX = "sqlite_autoindex_";

    HidingResultSet(ResultSet delegate, ConnectionWrapper connection) {
        super(delegate, null, connection);
    }

    @Override
    public boolean next() throws SQLException {
        while (delegate.next()) {
            if (!isInternal(delegate.getString("TABLE_NAME"))) return true;
        }
        ended();
        return false;
    }

    /** The driver's tables, and the automatic indexes SQLite lists for their UNIQUE/PRIMARY KEY constraints. */
    private static boolean isInternal(String table) {
        return Sql.isInternal(table) || table != null && table.startsWith(AUTOINDEX) && Sql.isInternal(table.substring(AUTOINDEX.length()));
    }
}
