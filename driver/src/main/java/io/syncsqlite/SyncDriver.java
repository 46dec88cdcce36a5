package io.syncsqlite;

import io.syncsqlite.config.ConnectionUrl;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.engine.SyncedFile;
import io.syncsqlite.engine.SqliteConnections;
import io.syncsqlite.engine.SyncEngine;
import io.syncsqlite.jdbc.ConnectionWrapper;
import io.syncsqlite.spi.TransportProvider;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The {@code jdbc:syncsqlite:} driver. Accepts every {@code jdbc:sqlite:} URL with its prefix swapped; parameters that
 * start with {@code sync.} (in the URL or the {@link Properties}) configure syncing, all others pass to xerial.
 * <pre>jdbc:syncsqlite:app.db?sync.transport=nas&amp;sync.dir=/mnt/share&amp;sync.interval=2s</pre>
 */
public final class SyncDriver implements Driver {
    static {
        try {
            // the transports are looked up now, while the JVM loads its JDBC drivers and before any database opens: a
            // transport that sets up its libraries when loaded (ws: their logging) is then ready before xerial logs
            SyncEngine.installedTransports();
            DriverManager.registerDriver(new SyncDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) return null;
        ConnectionUrl parsed = ConnectionUrl.parse(url, info);
        SyncConfig config = validate(parsed.syncSettings());
        SyncedFile replica = SyncedFile.acquire(parsed, config);
        Connection raw = null;
        try {
            raw = SqliteConnections.open(parsed);
            replica.ensureInstrumented(raw);
            replica.startEngineIfReady(true);
            return new ConnectionWrapper(raw.unwrap(org.sqlite.SQLiteConnection.class), replica);
        } catch (SQLException | RuntimeException e) {
            replica.release();
            if (raw != null) raw.close();
            throw e;
        }
    }

    /** Checks every {@code sync.*} key against the core keys and the chosen transport's keys. */
    static SyncConfig validate(Map<String, String> settings) throws SQLException {
        SyncConfig config = SyncConfig.of(settings);
        Set<String> accepted = new TreeSet<>(SyncConfig.CORE_KEYS);
        TransportProvider provider = config.transport().isPresent() ? SyncEngine.provider(config.transport().get()) : null;
        if (provider != null) accepted.addAll(provider.parameters());
        for (String key : settings.keySet()) {
            if (!accepted.contains(key)) {
                throw new SQLException("Unknown parameter '" + key + "': accepted sync.* keys"
                        + config.transport().map(t -> " for sync.transport=" + t).orElse("") + " are " + accepted, "HY024");
            }
        }
        if (provider != null) {
            SyncEngine.usingTransport(config.transport().get(), () -> {
                provider.validate(config);
                return null;
            });
        }
        return config;
    }

    /** Stops every sync engine in this JVM after a final push; open connections keep working and capturing. */
    public static void shutdown() {
        SyncedFile.shutdownAll();
    }

    @Override
    public boolean acceptsURL(String url) {
        return ConnectionUrl.accepts(url);
    }

    /**
     * xerial's properties, then every core {@code sync.*} key with a description, then the keys of the transport that
     * {@code sync.transport} names, if any. As xerial, {@code url} may be {@code null} (a tool listing the properties
     * before it has a URL).
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        ConnectionUrl parsed = ConnectionUrl.parse(url == null ? ConnectionUrl.PREFIX : url, info);
        List<DriverPropertyInfo> out = new ArrayList<>(List.of(new org.sqlite.JDBC().getPropertyInfo(parsed.sqliteUrl(), parsed.sqliteProperties())));
        Map<String, String> settings = parsed.syncSettings();
        for (String key : new TreeSet<>(SyncConfig.CORE_KEYS)) out.add(property(key, settings.get(key), CORE_DESCRIPTIONS.get(key)));
        String transport = settings.get(SyncConfig.TRANSPORT);
        if (transport != null) {
            TransportProvider provider = SyncEngine.provider(transport);
            for (String key : new TreeSet<>(provider.parameters())) out.add(property(key, settings.get(key), provider.describe(key)));
        }
        return out.toArray(new DriverPropertyInfo[0]);
    }

    /** What each core {@code sync.*} key means, for {@link #getPropertyInfo} (DriverUrlTest checks every key has one). */
    static final Map<String, String> CORE_DESCRIPTIONS = Map.of(
            SyncConfig.TRANSPORT, "How replicas exchange changes: nas (a shared folder), http (a hub), memory (in-JVM, tests); unset = capture only",
            SyncConfig.NAMESPACE, "Which data set the replicas share (letters, digits, '.', '_', '-'); default 'default'",
            SyncConfig.INTERVAL, "Period of background sync rounds, e.g. 500ms, 2s, 1m; default 2s",
            SyncConfig.BATCH_SIZE, "Rows per outgoing batch; default 5000",
            SyncConfig.EXCLUDE, "Comma-separated tables never synced (migration-tool history tables never are)",
            SyncConfig.MAX_CLOCK_DRIFT, "Remote versions further ahead of this clock are kept pending with an error event; default 5m",
            SyncConfig.KEYS, "Keys the driver chooses for INTEGER PRIMARY KEY rows: int (below 2^31, fit Java int; default) or wide (64-bit)",
            SyncConfig.REINSTALL, "true: sync a file that 'syncsqlite uninstall' marked uninstalled again (as a new site); default false");

    private static DriverPropertyInfo property(String key, String value, String description) {
        DriverPropertyInfo p = new DriverPropertyInfo(key, value);
        p.required = false;
        p.description = description;
        return p;
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false; // as xerial: SQLite is not a full SQL-92 implementation
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("syncsqlite logs through System.Logger");
    }
}
