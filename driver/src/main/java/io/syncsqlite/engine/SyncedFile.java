package io.syncsqlite.engine;

import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.Instrumenter;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.SchemaChange;
import io.syncsqlite.capture.SchemaReader;
import io.syncsqlite.config.ConnectionUrl;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.identity.SiteIdentity;
import io.syncsqlite.keys.KeyedInserts;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
public final class SyncedFile {
    private static final System.Logger LOG = System.getLogger(SyncedFile.class.getName());
    private static final Map<String, SyncedFile> OPEN = new HashMap<>();
    /** Engines whose file's last connection closed, still making their final push (guarded by {@link #OPEN}). */
    private static final Map<String, SyncEngine> ENDING = new HashMap<>();
    /** How long a JVM that exits (System.exit, SIGTERM) waits in total for the engines' final pushes. */
    static final Duration EXIT_PUSH_BOUND = Duration.ofSeconds(5);
    /** How long closing the last connection waits for the engine's final push before leaving it to the background. */
    static final Duration CLOSE_WAIT = Duration.ofMillis(500);
    /** How long a new engine waits for the previous engine of its file to finish its final push. */
    private static final Duration HANDOVER_BOUND = Duration.ofSeconds(30);

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(EXIT_PUSH_BOUND), "syncsqlite-exit-push"));
        } catch (IllegalStateException e) {
            // the first connection is opened by a shutdown hook of the application: the JVM is exiting already
            LOG.log(System.Logger.Level.DEBUG, "no exit push: the JVM is already shutting down", e);
        }
    }

    private final String key;
    private final ConnectionUrl url;
    /** The file's sync settings: those of the first connection that set any (see {@link #acquire}). */
    private volatile SyncConfig config;
    private volatile Instrumenter instrumenter;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final WriteGate gate = new WriteGate();
    private final AppDefinitions definitions = new AppDefinitions();
    /** Listeners and the paused state, kept here so those set before the engine exists reach it when it starts. */
    private final List<io.syncsqlite.SyncListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean paused;
    /** Set up by the application for every engine connection of this file (functions, collations). */
    private final List<io.syncsqlite.SyncConnection.EngineConnectionSetup> engineSetups = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The {@link FollowedPragmas} of the application connection that last set one, {@code null} when none did. */
    private volatile Map<String, Integer> pragmas;
    private volatile CaptureSchema schema;
    private volatile String siteId;
    private volatile long committedSchemaVersion = -1;
    private volatile KeyedInserts keys;
    /**
     * The site's coordinated key block tag, 0 until known: read where the replica instruments (on a connection that
     * may read) when it has no transport, else set by the engine after its first round (or when the transport grants one). Once known it never changes for the site, so INSERTs
     * embed it instead of looking it up; until then they read it in SQL, which also sees a tag stored by another process.
     */
    private volatile int blockTag;
    /** Whether site and tag were settled with the transport before the first round ({@link EarlyKeyTag}): once per file and JVM. */
    private volatile boolean earlyClaimTried;
    private SyncEngine engine;
    private int connections;
    private boolean stopped;

    private SyncedFile(String key, ConnectionUrl url, SyncConfig config) {
        this.key = key;
        this.url = url;
        this.config = config;
        this.instrumenter = new Instrumenter(config, this::warnOnce);
    }

    /**
     * The replica of {@code url}'s database, created on first use; pair every call with {@link #release()}. Sync
     * settings are per file: a connection without {@code sync.*} settings joins whatever the file uses; the first one
     * that sets them decides them while the file is open in this JVM; a connection asking for different ones fails.
     */
    public static SyncedFile acquire(ConnectionUrl url, SyncConfig config) throws SQLException {
        synchronized (OPEN) {
            if (url.isInMemory()) {
                // every in-memory connection is its own database: nothing to share, nothing to sync
                if (config.transport().isPresent()) {
                    throw new SQLException("sync.transport needs a database file; an in-memory database cannot sync: " + url.target(), "HY024");
                }
                SyncedFile r = new SyncedFile(null, url, config);
                r.connections = 1;
                return r;
            }
            String key = DatabaseFile.of(url.target()).toString();
            SyncedFile r = OPEN.get(key);
            if (r == null) {
                io.syncsqlite.maintenance.UninstallMark.check(Path.of(key), config.reinstall());
                r = new SyncedFile(key, url, config);
                OPEN.put(key, r);
            } else if (!config.raw().isEmpty() && !config.equals(r.config)) {
                if (r.config.raw().isEmpty()) {
                    // the file was open without sync settings (capture only): the first connection that sets them decides
                    r.config = config;
                    r.instrumenter = new Instrumenter(config, r::warnOnce);
                    r.keys = null; // sync.keys may differ
                    r.committedSchemaVersion = -1;
                    r.connections++;
                    return r;
                }
                throw new SQLException("Database " + key + " is already open in this JVM with sync settings " + r.config
                        + "; this connection asks for " + config + ". Use the same sync.* settings (or none) for every connection to a file.", "HY024");
            }
            r.connections++;
            return r;
        }
    }

    /**
     * Starts the sync engine when a transport is configured and the database has something to sync (its metadata,
     * committed); until then there is nothing to exchange.
     *
     * @param roundNow run the first round at once (on connect: catch up now), else after one interval (when the
     *                 schema was just created, the application is likely still setting up)
     */
    public void startEngineIfReady(boolean roundNow) throws SQLException {
        startEngine(roundNow, false);
    }

    /**
     * Starts the engine unless one is running. While the previous engine of the file (its last connection closed a
     * moment ago) still makes its final push, there must not be two: with {@code wait} this waits for it, else a
     * background thread starts the engine once it is done, so {@code connect()} never waits on the network.
     */
    private void startEngine(boolean roundNow, boolean wait) throws SQLException {
        CaptureSchema s = schema;
        if (s == null || !s.hasMetadata() || committedSchemaVersion < 0) return;
        SyncEngine previous;
        synchronized (OPEN) {
            if (engine != null || key == null || config.transport().isEmpty() || connections == 0 || stopped) return;
            previous = ENDING.get(key);
        }
        if (previous != null && !previous.awaitStopped(wait ? HANDOVER_BOUND : Duration.ZERO)) {
            if (wait) throw new SQLException("The previous sync engine of " + key + " did not finish its final push within " + HANDOVER_BOUND, "08004");
            Thread later = new Thread(() -> {
                try {
                    startEngine(roundNow, true);
                } catch (SQLException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not start the sync engine of " + key + "; it starts at the next syncNow() or connect()", e);
                }
            }, "syncsqlite-engine-handover " + key);
            later.setDaemon(true);
            later.start();
            return;
        }
        synchronized (OPEN) {
            ENDING.remove(key, previous);
            if (engine != null || connections == 0 || stopped) return;
            engine = SyncEngine.start(this, Path.of(key), roundNow);
        }
    }

    /**
     * After a transaction that changed the schema committed: starts the engine if a transport is configured and the
     * database now holds something to sync. Instruments on a connection of its own (the committed schema), and never
     * waits for a previous engine's final push (that one hands over in the background).
     */
    public void startEngineAfterSchemaCommit() throws SQLException {
        if (engine() != null || key == null || config.transport().isEmpty() || stopped) return;
        instrumentOnOwnConnection();
        startEngine(false, false);
    }

    /**
     * The engine, started now if a transport is configured and the database has come to hold something to sync
     * (a schema created inside an application's transaction starts it here, not in the middle of that transaction).
     * Not to be called inside a hold on the file of the calling thread ({@link WriteGate#heldByCurrentThread}).
     */
    public SyncEngine engineStartingIfReady() throws SQLException {
        if (engine() == null && key != null && config.transport().isPresent()) {
            instrumentOnOwnConnection();
            startEngine(false, true);
        }
        return engine();
    }

    /** A connection of the driver's own to this file, for its own work: the gate audits its commits ({@link WriteGate#audit}). */
    public Connection ownConnection() throws SQLException {
        Connection c = SqliteConnections.openInternal(url);
        if (key == null) return c;
        try {
            gate.audit(c);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * This replica's site id, creating the metadata that holds it if the database has none yet. Known since the
     * connection opened, it is answered without a read on {@code c}, which inside the application's deferred
     * transaction would start a read snapshot before its first statement.
     */
    public String siteId(Connection c, boolean inTransaction) throws SQLException {
        String known = siteId;
        if (known != null) return known;
        if (!MetaTables.exist(c)) {
            if (key == null || inTransaction) {
                instrumenter.createMetadata(c); // joins the application's transaction, so it commits or rolls back with it
            } else {
                refuseInsideHold("siteId() on a database without the driver's metadata");
                gate.engine(() -> {
                    try (Connection own = ownConnection()) {
                        instrumenter.createMetadata(own);
                    }
                    return null;
                });
            }
            committedSchemaVersion = -1;
            if (inTransaction) ensureInstrumentedInTransaction(c);
            else ensureInstrumented(c);
        }
        return MetaTables.localSiteId(c);
    }

    /**
     * Refuses a driver write the calling thread would have to wait for itself: it holds the file through a
     * connection (a transaction, an open result set), and the write waits at the gate for every hold to end.
     */
    private void refuseInsideHold(String what) throws SQLException {
        if (gate.heldByCurrentThread()) {
            throw new SQLException(what + " was called while this thread holds " + key + " through a connection (an open transaction or result set):"
                    + " it writes the driver's metadata, which waits for that very hold. Call it after commit() or rollback().", "25001");
        }
    }

    /**
     * Called when a connection closes. The last one has the engine make its final push and waits for it at most
     * {@link #CLOSE_WAIT}: a quick push (local folder, reachable hub) is done, files closed, when {@code close()}
     * returns; a slow one (a hub that does not answer) finishes in the background instead of blocking the application.
     * A connection opened meanwhile starts its file's engine only once that one is done.
     */
    public void release() {
        SyncEngine ending;
        synchronized (OPEN) {
            if (--connections > 0) return;
            if (key != null) OPEN.remove(key);
            stopped = true;
            if (engine == null) return;
            ending = engine;
            engine = null;
            ending.requestStop();
            ENDING.put(key, ending);
        }
        if (ending.awaitStopped(CLOSE_WAIT)) {
            synchronized (OPEN) {
                ENDING.remove(key, ending);
            }
        }
    }

    /** Stops every engine of this JVM after a final push, and waits for them; connections stay usable and keep capturing. */
    public static void shutdownAll() {
        stopAll(HANDOVER_BOUND);
    }

    /** Has every engine (running, or finishing for a closed file) make its final push, waiting at most {@code bound} in total. */
    private static void stopAll(Duration bound) {
        List<SyncEngine> engines = new ArrayList<>();
        synchronized (OPEN) {
            for (SyncedFile r : OPEN.values()) {
                if (r.engine != null) engines.add(r.engine);
                r.engine = null;
                r.stopped = true;
            }
            engines.addAll(ENDING.values());
            ENDING.clear();
        }
        for (SyncEngine e : engines) e.requestStop();
        long deadline = System.nanoTime() + bound.toNanos();
        for (SyncEngine e : engines) {
            if (!e.awaitStopped(Duration.ofNanos(deadline - System.nanoTime()))) {
                LOG.log(System.Logger.Level.WARNING, "a sync engine did not finish its final push within {0}; its unpublished changes stay in the outbox"
                        + " and go out at the next start", bound);
            }
        }
    }

    /**
     * Instruments when the schema changed since last time (a cheap {@code PRAGMA schema_version} otherwise). Outside
     * a transaction the work runs on a separate short-lived connection, so the application's connection keeps its
     * own {@code changes()} and {@code last_insert_rowid()}; inside one it joins the transaction, so a migration's DDL
     * and its instrumentation commit or roll back together.
     */
    public CaptureSchema ensureInstrumented(Connection c) throws SQLException {
        CaptureSchema s = instrumentedSchema(c);
        if (s != null) return s;
        if (key == null || !c.getAutoCommit()) return instrument(c, c.getAutoCommit());
        s = instrumentOnOwnConnection();
        loadSchema(c);
        return s;
    }

    /**
     * Instruments on a connection of the driver's own. What it writes (triggers, metadata, the site's identity) goes
     * through the gate as the engine's slices do, so it never commits under an application transaction's snapshot;
     * deciding that nothing needs writing takes no gate. A thread that holds the file itself cannot wait at the gate for
     * its own hold: it keeps the schema as last instrumented, and the engine's next round or the next connection,
     * statement or call that instruments does it.
     */
    private CaptureSchema instrumentOnOwnConnection() throws SQLException {
        try (Connection own = ownConnection()) {
            CaptureSchema s = instrumentedSchema(own);
            if (s != null) return s;
            CaptureSchema unchanged = instrumenter.unchanged(own);
            if (unchanged != null && (!unchanged.hasMetadata() || writesNothingMore())) return settle(own, unchanged, true);
            CaptureSchema known = schema;
            if (known != null && gate.heldByCurrentThread()) return known;
            return gate.engine(() -> instrument(own, true));
        }
    }

    /** Whether {@link #settle} writes nothing for a database with the driver's metadata: its site and key tag are settled. */
    private boolean writesNothingMore() {
        return siteId != null && (blockTag != 0 || key == null || config.transport().isEmpty() || earlyClaimTried);
    }

    /**
     * Has {@code c} read the schema another connection just changed, with a read that writes nothing. Otherwise its
     * next write finds the schema changed when it takes the write lock, and SQLite rolls that first attempt back
     * before running it again: a rollback the application's commit listener would hear, where plain SQLite has none
     * after the application's own DDL. A read neither changes {@code changes()} nor {@code last_insert_rowid()}.
     */
    private static void loadSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema")) {
            rs.next();
        }
    }

    /**
     * As {@link #ensureInstrumented}, on an application connection inside a transaction, begun in JDBC or in SQL
     * ({@code BEGIN}, {@code SAVEPOINT}: xerial's auto-commit flag does not tell those): the work joins it.
     */
    public CaptureSchema ensureInstrumentedInTransaction(Connection c) throws SQLException {
        CaptureSchema s = instrumentedSchema(c);
        return s != null ? s : instrument(c, false);
    }

    /** The transaction in which {@link #ensureInstrumentedInTransaction} returned {@code s} committed. */
    public void committed(CaptureSchema s) {
        if (schema == s) committedSchemaVersion = s.schemaVersion();
    }

    /** The schema as instrumented, or {@code null} when the schema changed since and instrumenting (a write) is due. */
    CaptureSchema instrumentedSchema(Connection c) throws SQLException {
        CaptureSchema s = schema;
        return s != null && SchemaReader.schemaVersion(c) == committedSchemaVersion ? s : null;
    }

    /**
     * The captured table {@code name} as last instrumented, or {@code null}; without touching the database (see
     * {@link #knownSchema}), so callers check it against the schema inside their transaction.
     */
    public io.syncsqlite.capture.CapturedTable capturedTable(String name) {
        CaptureSchema s = schema;
        return s == null ? null : s.table(name);
    }

    /** The listeners of this file's sync events, shared with its engine (present or future). */
    List<io.syncsqlite.SyncListener> listeners() {
        return listeners;
    }

    public void addListener(io.syncsqlite.SyncListener l) {
        listeners.add(l);
    }

    public void removeListener(io.syncsqlite.SyncListener l) {
        listeners.remove(l);
    }

    /** Pauses syncing of this file; an engine that starts later starts paused. */
    public void pause() {
        paused = true;
        SyncEngine e = engine();
        if (e != null) e.pause();
    }

    public void resume() {
        paused = false;
        SyncEngine e = engine();
        if (e != null) e.resume();
    }

    boolean paused() {
        return paused;
    }

    /** Adds a set-up for the engine's connection, running it now on a running engine's. */
    public void onEngineConnection(io.syncsqlite.SyncConnection.EngineConnectionSetup setup) throws SQLException {
        engineSetups.add(setup);
        SyncEngine e = engine();
        if (e != null) e.setUpConnection(setup);
    }

    List<io.syncsqlite.SyncConnection.EngineConnectionSetup> engineSetups() {
        return engineSetups;
    }

    /** An application connection set one of the {@link FollowedPragmas}: the engine's connection follows before its next round. */
    public void pragmasSet(Map<String, Integer> values) {
        pragmas = values;
    }

    Map<String, Integer> pragmas() {
        return pragmas;
    }

    /** The functions and collations the application registered on its connections of this file. */
    public AppDefinitions definitions() {
        return definitions;
    }

    /**
     * An application connection is about to close: the engine's connection stops relaying what only it registered
     * before it goes (see {@link AppDefinitions}).
     */
    public void closing(org.sqlite.SQLiteConnection app) {
        definitions.closed(app);
        SyncEngine e = engine();
        if (e != null) e.alignDefinitions();
    }

    /** The gate between this file's application connections and its sync engine. */
    public WriteGate gate() {
        return gate;
    }

    /** @param committed whether {@code c} commits what it instruments at once (it is not inside a transaction) */
    private CaptureSchema instrument(Connection c, boolean committed) throws SQLException {
        return settle(c, instrumenter.instrument(c), committed);
    }

    /**
     * Learns site and key tag of the database {@code c} is open on, instrumented as {@code s}, and makes {@code s} the
     * schema new statements use. Writes only while {@link #writesNothingMore} says no.
     */
    private CaptureSchema settle(Connection c, CaptureSchema s, boolean committed) throws SQLException {
        // read here, on the connection that just instrumented: a read on an application connection inside a deferred
        // transaction would pin its snapshot
        if (s.hasMetadata() && siteId == null) siteId = key == null ? MetaTables.localSiteId(c) : SiteIdentity.verify(c, file());
        // with a transport, the engine's first round says whether the tag stored is still the site's (a restored copy
        // becomes a new site there); until then keys read it in SQL, which follows a new site at once
        if (s.hasMetadata() && blockTag == 0 && config.transport().isEmpty()) blockTag = io.syncsqlite.keys.KeyBlocks.coordinatedTag(c).orElse(0);
        // a transport whose work is local says before the first key whether the database is a restored copy (then it
        // becomes a new site here) and grants the tag (the engine stores it after its round)
        if (s.hasMetadata() && blockTag == 0 && key != null && config.transport().isPresent() && !earlyClaimTried) {
            earlyClaimTried = true;
            EarlyKeyTag.Settled settled = EarlyKeyTag.settle(config, siteId, file(), c);
            siteId = settled.site();
            blockTag = settled.tag();
        }
        publish(s, committed);
        return s;
    }

    /**
     * Whether {@code change} must run inside {@link #aroundSchemaChange}: it drops a column (our triggers must be
     * lifted) or a table (its rows are snapshotted first, so a rebuild keeps the versions of what it did not change).
     */
    public boolean needsTransaction(SchemaChange change) {
        return change.dropsColumn() || change.dropsTable();
    }

    /**
     * Runs a statement, script or batch that drops a table or column, in one transaction with what the driver does
     * before (snapshot, lift triggers) and after it (re-instrument: follow renames, adopt rebuilt tables).
     *
     * @param inTransaction {@code c} is inside the application's transaction (begun in JDBC or in SQL), which this joins
     */
    public <T> T aroundSchemaChange(Connection c, boolean inTransaction, SchemaChange change, io.syncsqlite.capture.Transactions.SqlWork<T> work)
            throws SQLException {
        T result = instrumenter.aroundSchemaChange(c, change, work);
        publish(instrumenter.instrument(c), !inTransaction);
        return result;
    }

    private void publish(CaptureSchema s, boolean committed) {
        schema = s;
        // inside an open transaction the schema may still roll back: make the next check look again
        committedSchemaVersion = committed ? s.schemaVersion() : -1;
    }

    /**
     * The SQL to run for an application statement: INSERTs into tables keyed by a rowid alias get keys that are
     * unique across replicas ({@link io.syncsqlite.keys.KeyScheme}); all else is returned as is.
     */
    public String sqlFor(Connection c, String sql) throws SQLException {
        // an in-memory database never syncs, and before any captured table there is no key to supply
        String site = siteId;
        if (key == null || site == null) return sql;
        KeyedInserts k = keys;
        if (k == null || k.blockTag() != blockTag) {
            synchronized (this) {
                if (keys == null || keys.blockTag() != blockTag) keys = new KeyedInserts(site, config.wideKeys(), blockTag);
                k = keys;
            }
        }
        return k.sqlFor(c, sql, this::knownSchema);
    }

    /**
     * The schema as last instrumented, without touching {@code c}: a read on the application's connection inside a
     * deferred transaction would pin a snapshot and make its first write fail with SQLITE_BUSY. DDL through the
     * driver, every connect and every engine round keep it current.
     */
    private CaptureSchema knownSchema(Connection c) throws SQLException {
        CaptureSchema s = schema;
        return s != null ? s : ensureInstrumented(c);
    }

    /** A local transaction committed; live transports push at once. */
    public void onLocalCommit() {
        SyncEngine e = engine;
        if (e != null) e.onLocalCommit();
    }

    /**
     * The database became site {@code site} while open (a restored copy, found out by its engine): new INSERTs pick keys
     * from the new site's block, read in SQL until the transport grants it one.
     */
    void siteRenewed(String site) {
        synchronized (this) {
            siteId = site;
            blockTag = 0;
            keys = null;
        }
    }

    /** The transport granted this site key block {@code tag} (stored): new INSERTs embed it. */
    public void keyBlockCoordinated(int tag) {
        blockTag = tag;
    }

    /** The engine, or {@code null} when only capturing. */
    public SyncEngine engine() {
        synchronized (OPEN) {
            return engine;
        }
    }

    /** The database file, or {@code null} for an in-memory database. */
    public Path file() {
        return key == null ? null : Path.of(key);
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
}
