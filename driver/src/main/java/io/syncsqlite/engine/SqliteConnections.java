package io.syncsqlite.engine;

import io.syncsqlite.config.ConnectionUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * Opens xerial connections for a {@code jdbc:syncsqlite:} URL. Unless the URL or properties say otherwise, file
 * databases use WAL and a 30 s busy timeout, so a pool of writers and the sync engine share the file without
 * {@code SQLITE_BUSY}.
 */
public final class SqliteConnections {
    static final String DEFAULT_BUSY_TIMEOUT_MS = "30000";

    private SqliteConnections() {
    }

    public static Connection open(ConnectionUrl url) throws SQLException {
        return open(url, new Properties());
    }

    /**
     * A connection for the driver's own work (applying, extracting, instrumenting), read-write whatever open mode the
     * application's connection asked for (see {@link ConnectionUrl#forDriverWork()}). xerial's generated-keys support
     * is off: it prepares and runs {@code SELECT last_insert_rowid()} after every INSERT, a third of the apply cost.
     */
    public static Connection openInternal(ConnectionUrl url) throws SQLException {
        Properties internal = new Properties();
        internal.setProperty("jdbc.get_generated_keys", "false");
        return open(url.forDriverWork(), internal);
    }

    private static Connection open(ConnectionUrl url, Properties overrides) throws SQLException {
        Properties props = new Properties();
        props.putAll(url.sqliteProperties());
        if (!url.isInMemory()) {
            // switching a file to WAL is a write: a read-only connection keeps the journal mode the file has
            if (!url.isReadOnly()) setDefault(url, props, "journal_mode", "WAL");
            setDefault(url, props, "busy_timeout", DEFAULT_BUSY_TIMEOUT_MS);
        }
        props.putAll(overrides);
        Connection c = org.sqlite.JDBC.createConnection(url.sqliteUrl(), props);
        if (c == null) throw new SQLException("xerial sqlite-jdbc did not accept " + url.sqliteUrl(), "08001");
        return c;
    }

    /**
     * Whether the driver chose WAL for the file's connections because the application named no journal mode (in the URL
     * or its properties): plain SQLite would then run in its default rollback-journal mode.
     */
    public static boolean journalModeChosenByDriver(ConnectionUrl url) {
        return !url.isInMemory() && !url.isReadOnly() && !named(url, url.sqliteProperties(), "journal_mode");
    }

    private static void setDefault(ConnectionUrl url, Properties props, String key, String value) {
        if (!named(url, props, key)) props.setProperty(key, value);
    }

    private static boolean named(ConnectionUrl url, Properties props, String key) {
        String query = url.sqliteUrl().toLowerCase(Locale.ROOT);
        return query.contains("?" + key + "=") || query.contains("&" + key + "=") || props.containsKey(key);
    }
}
