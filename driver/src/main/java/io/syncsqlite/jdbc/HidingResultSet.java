package io.syncsqlite.jdbc;

import io.syncsqlite.capture.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A metadata result set without the rows that describe the driver's own {@code _syncsqlite_} tables. */
final class HidingResultSet extends ResultSetWrapper {
    HidingResultSet(ResultSet delegate, ConnectionWrapper connection) {
        super(delegate, null, connection);
    }

    @Override
    public boolean next() throws SQLException {
        while (delegate.next()) {
            if (!Sql.isInternal(delegate.getString("TABLE_NAME"))) return true;
        }
        return false;
    }
}
