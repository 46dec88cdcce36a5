package io.syncsqlite.integration;

import org.flywaydb.core.internal.database.sqlite.SQLiteDatabaseType;

/**
 * Lets Flyway take {@code jdbc:syncsqlite:} URLs ({@code Flyway.configure().dataSource(url, user, password)}), which
 * it otherwise refuses before asking any driver. Found by Flyway through {@code META-INF/services}; only the URL is
 * ours: connections identify as SQLite and are handled by Flyway's own SQLite support, unchanged.
 */
public final class FlywaySyncDatabaseType extends SQLiteDatabaseType {
    @Override
    public String getName() {
        return "SyncSQLite";
    }

    @Override
    public boolean handlesJDBCUrl(String url) {
        return url.startsWith("jdbc:syncsqlite:");
    }

    @Override
    public String getDriverClass(String url, ClassLoader classLoader) {
        return "io.syncsqlite.SyncDriver";
    }

    @Override
    public boolean handlesDatabaseProductNameAndVersion(String databaseProductName, String databaseProductVersion, java.sql.Connection connection) {
        return false; // a connection is SQLite's: Flyway's SQLite type handles it
    }
}
