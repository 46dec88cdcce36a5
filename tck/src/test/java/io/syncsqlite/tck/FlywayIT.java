package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway running real migrations (create table, alter table add column, create table with a foreign key) through the
 * driver on syncing replicas: the capture triggers follow the schema, so a column added by a later migration syncs.
 */
class FlywayIT {
    @TempDir
    Path dir;

    /**
     * The application's migration step, unchanged: its DataSource (as Spring Boot and most apps hand Flyway) and the
     * migrations on the classpath. Flyway identifies the database from the connection's metadata (product name
     * "SQLite", URL {@code jdbc:sqlite:}). Its {@code dataSource(url, user, password)} shortcut looks the URL prefix up
     * in its plugin list, where the driver jar's plugin adds {@code jdbc:syncsqlite:} (see {@code MigrationToolsIT}).
     * <p>Flyway decides whether a schema is empty with a raw {@code SELECT tbl_name FROM sqlite_master}: the driver
     * creates its {@code _syncsqlite_} tables only once there is a table to sync, so a new database looks empty.
     */
    static MigrateResult migrate(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            return Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        }
    }

    @Test
    void migrationsRunAndLaterColumnsSync() throws Exception {
        String ns = Replicas.namespace("flyway");
        // Flyway's own history table is per-database bookkeeping: the driver never syncs it, each replica migrates itself
        String a = Replicas.url(dir.resolve("a.db"), ns);
        String b = Replicas.url(dir.resolve("b.db"), ns);
        try (Connection ca = DriverManager.getConnection(a); Connection cb = DriverManager.getConnection(b)) {
            assertEquals(3, migrate(a).migrationsExecuted);
            assertEquals(3, migrate(b).migrationsExecuted);
            assertEquals(0, migrate(a).migrationsExecuted, "migrations are recorded");
            try (Statement s = ca.createStatement()) {
                s.executeUpdate("INSERT INTO note(id, body, tag) VALUES ('n1', 'hello', 'v2-column')");
                s.executeUpdate("INSERT INTO label(id, note, name) VALUES ('l1', 'n1', 'greeting')");
            }
            Replicas.syncNow(a);
            Replicas.syncNow(b);
            assertEquals("hello|v2-column|greeting", one(cb, "SELECT n.body || '|' || n.tag || '|' || l.name FROM note n JOIN label l ON l.note = n.id WHERE n.id = 'n1'"));
            assertEquals("seeded", one(cb, "SELECT tag FROM note WHERE id = 'seed'"));
            try (Statement s = cb.createStatement()) {
                s.executeUpdate("UPDATE note SET tag = 'edited on b' WHERE id = 'n1'");
            }
            Replicas.syncNow(b);
            Replicas.syncNow(a);
            assertEquals("edited on b", one(ca, "SELECT tag FROM note WHERE id = 'n1'"));
            assertEquals("3", one(ca, "SELECT count(*) FROM flyway_schema_history WHERE success = 1 AND type = 'SQL'"));
        }
    }

    @Test
    void plainSqliteRunsTheSameMigrations() {
        assertEquals(3, migrate("jdbc:sqlite:" + dir.resolve("plain.db")).migrationsExecuted);
    }

    private static String one(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
