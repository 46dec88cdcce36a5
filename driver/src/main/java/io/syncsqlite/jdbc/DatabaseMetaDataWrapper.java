package io.syncsqlite.jdbc;

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
        return connection;
    }

    @Override
    ResultSet wrapResultSet(ResultSet rs) {
        return rs == null ? null : new ResultSetWrapper(rs, null, connection);
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
