package io.syncsqlite.engine;

import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.ChangeCounts;
import io.syncsqlite.capture.Instrumenter;
import io.syncsqlite.capture.SchemaReader;
import io.syncsqlite.config.ConnectionUrl;
import io.syncsqlite.config.SyncConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state shared by every connection of this JVM to one database file: its sync settings, what is instrumented,
 * and its sync engine (started by the first connection, flushed and stopped with the last).
 */
public final class Replica {
    private static final System.Logger LOG = System.getLogger(Replica.class.getName());
    private static final Map<String, Replica> OPEN = new HashMap<>();

    private final String key;
    private final ConnectionUrl url;
    private final SyncConfig config;
    private final Instrumenter instrumenter;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile CaptureSchema schema;
    private volatile long committedSchemaVersion = -1;
    private SyncEngine engine;
    private int connections;

    private Replica(String key, ConnectionUrl url, SyncConfig config) {
        this.key = key;
        this.url = url;
        this.config = config;
        this.instrumenter = new Instrumenter(config, this::warnOnce);
    }

    /** The replica of {@code url}'s database, created on first use; pair every call with {@link #release()}. */
    public static Replica acquire(ConnectionUrl url, SyncConfig config) throws SQLException {
        synchronized (OPEN) {
            if (url.isInMemory()) {
                // every in-memory connection is its own database: nothing to share, nothing to sync
                if (config.transport().isPresent()) {
                    throw new SQLException("sync.transport needs a database file; an in-memory database cannot sync: " + url.target(), "HY024");
                }
                Replica r = new Replica(null, url, config);
                r.connections = 1;
                return r;
            }
            String key = fileKey(url.target());
            Replica r = OPEN.get(key);
            if (r == null) {
                r = new Replica(key, url, config);
                OPEN.put(key, r);
            } else if (!config.raw().isEmpty() && !config.equals(r.config)) {
                throw new SQLException("Database " + key + " is already open in this JVM with sync settings " + r.config
                        + "; this connection asks for " + config + ". Use the same sync.* settings (or none) for every connection to a file.", "HY024");
            }
            r.connections++;
            return r;
        }
    }

    /** Starts the sync engine when this is the first connection and a transport is configured. */
    public void startEngine(Connection anyConnection) throws SQLException {
        synchronized (OPEN) {
            if (engine != null || key == null || config.transport().isEmpty()) return;
            engine = SyncEngine.start(this, Path.of(key), anyConnection);
        }
    }

    /** Called when a connection closes; the last one flushes and stops the engine. */
    public void release() {
        SyncEngine toStop = null;
        synchronized (OPEN) {
            if (--connections > 0) return;
            if (key != null) OPEN.remove(key);
            toStop = engine;
            engine = null;
        }
        if (toStop != null) toStop.stop();
    }

    /** Stops every engine of this JVM after a final push; connections stay usable and keep capturing. */
    public static void shutdownAll() {
        List<SyncEngine> engines = new ArrayList<>();
        synchronized (OPEN) {
            for (Replica r : OPEN.values()) {
                if (r.engine != null) engines.add(r.engine);
                r.engine = null;
            }
        }
        for (SyncEngine e : engines) e.stop();
    }

    /** Instruments when the schema changed since last time (a cheap {@code PRAGMA schema_version} otherwise). */
    public CaptureSchema ensureInstrumented(Connection c) throws SQLException {
        CaptureSchema s = schema;
        if (s != null && SchemaReader.schemaVersion(c) == committedSchemaVersion) return s;
        return instrument(c);
    }

    /** Re-instruments now, e.g. right after DDL, inside the connection's transaction when one is open. */
    public CaptureSchema instrument(Connection c) throws SQLException {
        boolean committed = c.getAutoCommit();
        // xerial reports changes() as the update count of the DDL that led here: keep it the application's
        CaptureSchema s = ChangeCounts.preserving(c, () -> instrumenter.instrument(c));
        publish(s, committed);
        return s;
    }

    /** Runs a schema change that SQLite refuses while capture triggers name its columns (DROP COLUMN). */
    public <T> T withTriggersLifted(Connection c, io.syncsqlite.capture.Transactions.SqlWork<T> work) throws SQLException {
        boolean committed = c.getAutoCommit();
        T result = instrumenter.withTriggersLifted(c, work);
        publish(ChangeCounts.preserving(c, () -> instrumenter.instrument(c)), committed);
        return result;
    }

    private void publish(CaptureSchema s, boolean committed) {
        schema = s;
        // inside an open transaction the schema may still roll back: make the next check look again
        committedSchemaVersion = committed ? s.schemaVersion() : -1;
    }

    /** A local transaction committed; live transports push at once. */
    public void onLocalCommit() {
        SyncEngine e = engine;
        if (e != null) e.onLocalCommit();
    }

    /** The engine, or {@code null} when only capturing. */
    public SyncEngine engine() {
        synchronized (OPEN) {
            return engine;
        }
    }

    public SyncConfig config() {
        return config;
    }

    public ConnectionUrl url() {
        return url;
    }

    private void warnOnce(String message) {
        if (warned.add(message)) LOG.log(System.Logger.Level.WARNING, message);
    }

    private static String fileKey(String target) {
        String path = target;
        if (path.startsWith("file:")) {
            path = path.substring(5);
            int q = path.indexOf('?');
            if (q >= 0) path = path.substring(0, q);
            if (path.startsWith("//")) path = path.substring(2);
        }
        return Path.of(path).toAbsolutePath().normalize().toString();
    }
}
