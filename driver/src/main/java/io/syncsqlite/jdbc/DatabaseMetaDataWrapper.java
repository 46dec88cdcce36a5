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
        return new HidingResultSet(delegate.getIndexInfo(catalog, schema, table, unique, approximate), connection);
    }

    /** The driver's tables do not exist as far as metadata goes: fail as xerial fails for a missing table. */
    private static void refuseInternal(String table) throws SQLException {
        if (Sql.isInternal(table)) throw new SQLException("Table not found: '" + table + "'");
    }

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types) throws SQLException {
        return new HidingResultSet(delegate.getTables(catalog, schemaPattern, tableNamePattern, types), connection);
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern) throws SQLException {
        return new HidingResultSet(delegate.getColumns(catalog, schemaPattern, tableNamePattern, columnNamePattern), connection);
    }
}
