package io.syncsqlite.integration;

import liquibase.database.DatabaseConnection;
import liquibase.database.core.SQLiteDatabase;

/**
 * Lets Liquibase take {@code jdbc:syncsqlite:} URLs: it finds the driver class for a URL by asking each database
 * implementation (listed in {@code META-INF/services}). Connections are left to Liquibase's own SQLite support, so
 * changelogs behave exactly as on {@code jdbc:sqlite:} (including the table rebuilds it emits for SQLite).
 */
public final class LiquibaseSyncDatabase extends SQLiteDatabase {
    @Override
    public String getDefaultDriver(String url) {
        return url != null && url.startsWith("jdbc:syncsqlite:") ? "io.syncsqlite.SyncDriver" : null;
    }

    /** Its own short name: Liquibase keeps one implementation per short name, and "sqlite" stays Liquibase's. */
    @Override
    public String getShortName() {
        return "syncsqlite";
    }

    @Override
    public boolean isCorrectDatabaseImplementation(DatabaseConnection conn) {
        return false; // a connection is SQLite's: Liquibase's SQLiteDatabase handles it
    }
}
