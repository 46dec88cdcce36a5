package io.syncsqlite.engine;

import io.syncsqlite.config.ConnectionUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Opens xerial connections for a {@code jdbc:syncsqlite:} URL. Unless the URL or properties say otherwise, file
 * databases use WAL and a 30 s busy timeout, so a pool of writers and the sync engine share the file without
 * {@code SQLITE_BUSY}.
 */
public final class SqliteConnections {
    static final String DEFAULT_BUSY_TIMEOUT_MS = "30000";
    /**
     * One lock per file this JVM opens with the driver's default WAL: connections switching a file to WAL at the same
     * moment can make SQLite refuse one of them at once with {@code SQLITE_BUSY} (it skips the busy handler where
     * waiting could deadlock), an error plain xerial, which switches nothing, never gives at open.
     */
    private static final ConcurrentHashMap<String, Object> WAL_SWITCHES = new ConcurrentHashMap<>();

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
        Connection c;
        if (journalModeChosenByDriver(url)) {
            synchronized (WAL_SWITCHES.computeIfAbsent(url.target(), t -> new Object())) {
                c = openSwitchingToWal(url, props);
            }
        } else {
            c = org.sqlite.JDBC.createConnection(url.sqliteUrl(), props);
        }
        if (c == null) throw new SQLException("xerial sqlite-jdbc did not accept " + url.sqliteUrl(), "08001");
        return c;
    }

    /**
     * Opens a connection whose journal mode the driver chose; another process switching the file at the same moment can
     * still make SQLite refuse the switch at once, so a {@code SQLITE_BUSY} at open is retried within the busy timeout.
     */
    private static Connection openSwitchingToWal(ConnectionUrl url, Properties props) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(props.getProperty("busy_timeout", DEFAULT_BUSY_TIMEOUT_MS)));
        long pause = 1;
        while (true) {
            try {
                return org.sqlite.JDBC.createConnection(url.sqliteUrl(), props);
            } catch (SQLiteException e) {
                if ((e.getResultCode().code & 0xff) != SQLiteErrorCode.SQLITE_BUSY.code || System.nanoTime() > deadline) throw e;
            }
            try {
                Thread.sleep(pause); // the other connection's switch ends within milliseconds; nothing signals it here
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while opening " + url.target(), "08001", e);
            }
            pause = Math.min(pause * 2, 50);
        }
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
