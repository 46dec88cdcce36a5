package io.syncsqlite.jdbc;

import io.syncsqlite.capture.Sql;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Metadata as xerial reports it, except that the driver's own tables are hidden and {@link #getConnection()} is the
 * application's connection. {@link #getURL()} stays xerial's {@code jdbc:sqlite:} URL so tools that pick their SQL
 * dialect from it (jOOQ, Flyway) keep recognising SQLite.
 */
final class DatabaseMetaDataWrapper extends DatabaseMetaDataDelegate {
    private final ConnectionWrapper connection;

    DatabaseMetaDataWrapper(DatabaseMetaData delegate, ConnectionWrapper connection) {
        super(delegate);
        this.connection = connection;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return delegate.getConnection() == null ? null : connection; // xerial forgets it once the connection closed
    }

    @Override
    ResultSet wrapResultSet(ResultSet rs) {
        return rs == null ? null : new ResultSetWrapper(rs, null, connection);
    }

    /**
     * A metadata result set reads the database as a query does: in auto-commit mode it takes a read hold on the file's
     * write gate before it runs and keeps it until it is exhausted or closed (see {@link GateHolds}), so the sync
     * engine never commits under its snapshot while this connection might still write.
     */
    @Override
    ResultSet heldResultSet(io.syncsqlite.capture.Transactions.SqlWork<ResultSet> call) throws SQLException {
        GateHolds holds = connection.holds();
        boolean own = holds.beforeStatement(true);
        ResultSet rs = null;
        try {
            rs = call.run();
            if (rs == null) return null;
            ResultSetWrapper wrapped = rs instanceof ResultSetWrapper w ? w : (ResultSetWrapper) wrapResultSet(rs);
            return own ? wrapped.holding() : wrapped;
        } finally {
            if (own && rs == null) holds.leave();
        }
    }

    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        refuseInternal(table);
        return super.getPrimaryKeys(catalog, schema, table);
    }

    @Override
    public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
        refuseInternal(table);
        return super.getExportedKeys(catalog, schema, table);
    }

    @Override
    public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate) throws SQLException {
        return heldResultSet(() -> new HidingResultSet(delegate.getIndexInfo(catalog, schema, table, unique, approximate), connection));
    }

    /** The driver's tables do not exist as far as metadata goes: fail as xerial fails for a missing table. */
    private static void refuseInternal(String table) throws SQLException {
        if (Sql.isInternal(table)) throw new SQLException("Table not found: '" + table + "'");
    }

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types) throws SQLException {
        return heldResultSet(() -> new HidingResultSet(delegate.getTables(catalog, schemaPattern, tableNamePattern, types), connection));
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern) throws SQLException {
        return heldResultSet(() -> new HidingResultSet(delegate.getColumns(catalog, schemaPattern, tableNamePattern, columnNamePattern), connection));
    }
}
