package io.syncsqlite.hub;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hub's store in PostgreSQL ({@code --store jdbc:postgresql://…}): the same contract and the same row layout as
 * {@link SqliteHubStore} (one row per synced row holding its winning cell versions, {@link StoredRow}), in a database
 * that several hub instances can share. The schema is created, or migrated, when a hub opens the store.
 * <p>
 * <b>Sequences and what a reader may skip.</b> A reader at cursor {@code c} asks for the rows of a namespace with
 * sequence after {@code c}; it must never miss a row that commits later with a sequence at or below a cursor it has
 * already been given. So a push allocates its sequences (from one database sequence, {@code hub_seq}) while holding
 * the namespace's row in {@code hub_namespaces} locked ({@code SELECT … FOR UPDATE}), in the same transaction that
 * stores its rows, and keeps the lock until it commits. Every other push to the namespace, on any hub instance, waits
 * for that lock before it allocates, so within a namespace sequence order is commit order: when a reader sees a row
 * at sequence {@code s}, every push that got a sequence below {@code s} in that namespace has already committed and is
 * visible to it too. Pushes to different namespaces do not wait for each other.
 * <p>
 * <b>Generations</b> (the restore rule of {@link HubStore#knows}): every opening of the store by a hub instance starts
 * a generation, recorded in {@code hub_generations} with the last sequence this instance has told a client about under
 * it (raised in the push's transaction, and before a pull page reaches past it). The instance knows what it wrote
 * there: when a push finds its generation's row missing or behind (the database was restored from a backup under a
 * running hub), it starts a new generation, so a client that saw the lost history is told, as after a restore of
 * the embedded store. Any instance checks any generation's pair against the table, so a client may push to one
 * instance and pull from another.
 * <p>
 * <b>Live fan-out across hubs:</b> a push that stored something notifies channel {@value #CHANNEL} in its transaction
 * (PostgreSQL delivers it at commit); every other hub listening ({@link #watch}) wakes its WebSocket subscribers of
 * that namespace, which read the push from the store: the notification is only the wake-up, the store the truth.
 */
public final class PostgresHubStore implements HubStore {
    private static final System.Logger LOG = System.getLogger(PostgresHubStore.class.getName());
    /** The schema version this code writes; older schemas are migrated on open. */
    static final int SCHEMA_VERSION = 1;
    /** Batch ids kept per site: a retry only ever repeats the batch in flight, so a short memory is enough. */
    private static final int BATCH_MEMORY = 256;
    /** Most changes of a group stored in two round trips for all its pushes ({@link PostgresPushes}). */
    private static final int TOGETHER_CHANGES = 2_000;
    /** Rows fetched per round trip while a pull streams a namespace. */
    private static final int FETCH_ROWS = 256;
    /** An arbitrary constant naming the advisory lock that serializes schema migrations of concurrent instances. */
    private static final long MIGRATION_LOCK = 0x73796e6373716cL;

    /** The channel on which a push tells the other hubs: payload {@code <instance> <head> <namespace>}. */
    static final String CHANNEL = "syncsqlite_hub";

    private final HikariDataSource pool;
    private final String url;
    private final String user;
    private final String password;
    /** Names this instance in its notifications, so it ignores its own. */
    private final String instance = java.util.UUID.randomUUID().toString();
    private volatile PostgresNotifications notifications;
    private final String storeId;
    /** Pushes of this instance, one at a time (as the embedded store): its generation row is written by one at once. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** This instance's generation, with the last sequence it recorded there: all it may tell clients under it. */
    private volatile Generation current;

    private record Generation(String id, long last) {
    }

    /**
     * Opens the store at {@code url} ({@code jdbc:postgresql://host:port/database}) as {@code user} with
     * {@code password} (either {@code null}: from the URL or the driver's defaults), creating or migrating its schema.
     */
    public PostgresHubStore(String url, String user, String password) throws SQLException {
        this.url = url;
        this.user = user;
        this.password = password;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) config.setUsername(user);
        if (password != null) config.setPassword(password);
        config.setAutoCommit(false);
        config.setMaximumPoolSize(8);
        config.setPoolName("syncsqlite-hub-store");
        // a hub whose database is down answers 503 within this time rather than holding requests
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(config);
        try (Connection c = pool.getConnection()) {
            migrate(c);
            storeId = storeId(c);
            c.commit();
            current = insertGeneration(c, sequenceNow(c));
            c.commit();
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Creates the schema, or migrates it to {@link #SCHEMA_VERSION}, one instance at a time. */
    private static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS hub_schema(version integer NOT NULL)");
            int version;
            try (ResultSet rs = s.executeQuery("SELECT max(version) FROM hub_schema")) {
                rs.next();
                version = rs.getInt(1);
            }
            if (version > SCHEMA_VERSION) {
                throw new SQLException("the hub store's schema is version " + version + ", newer than this hub understands (" + SCHEMA_VERSION
                        + "): run a hub at least as new as the one that wrote it", "55000");
            }
            if (version < 1) {
                s.execute("CREATE TABLE hub_meta(key text PRIMARY KEY, value text NOT NULL)");
                // one row per namespace: its last sequence, and the lock a push holds from allocating sequences to commit
                s.execute("CREATE TABLE hub_namespaces(ns text PRIMARY KEY, head bigint NOT NULL)");
                s.execute("CREATE TABLE hub_rows(ns text NOT NULL, seq bigint NOT NULL, tbl text NOT NULL, pk text NOT NULL, n integer NOT NULL,"
                        + " cells bytea NOT NULL, PRIMARY KEY (ns, seq, tbl, pk))");
                s.execute("CREATE UNIQUE INDEX hub_rows_key ON hub_rows(ns, tbl, pk)");
                s.execute("CREATE TABLE hub_batches(ns text NOT NULL, site text NOT NULL, batch text NOT NULL, n bigint NOT NULL,"
                        + " PRIMARY KEY (ns, site, batch))");
                s.execute("CREATE INDEX hub_batches_age ON hub_batches(ns, site, n)");
                s.execute("CREATE TABLE hub_generations(gen text PRIMARY KEY, last_seq bigint NOT NULL)");
                s.execute("CREATE TABLE hub_keytags(ns text NOT NULL, tag integer NOT NULL, site text NOT NULL, PRIMARY KEY (ns, tag))");
                s.execute("CREATE UNIQUE INDEX hub_keytags_site ON hub_keytags(ns, site)");
                s.execute("CREATE SEQUENCE hub_seq");
                s.execute("INSERT INTO hub_schema(version) VALUES (1)");
                LOG.log(System.Logger.Level.INFO, "created the hub store schema (version {0})", SCHEMA_VERSION);
            }
        }
    }

    private static String storeId(Connection c) throws SQLException {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        // the id is created once with the store: a re-created or foreign store has another one
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_meta(key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO NOTHING")) {
            ps.setString(1, HexFormat.of().formatHex(id));
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT value FROM hub_meta WHERE key = 'epoch'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A new generation recorded at {@code last} (uncommitted: the caller commits). */
    private static Generation insertGeneration(Connection c, long last) throws SQLException {
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        String gen = HexFormat.of().formatHex(id);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_generations(gen, last_seq) VALUES (?, ?)")) {
            ps.setString(1, gen);
            ps.setLong(2, last);
            ps.executeUpdate();
        }
        return new Generation(gen, last);
    }

    /** The last value {@code hub_seq} handed out (0 before the first). */
    private static long sequenceNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM hub_seq")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public String epoch() {
        return storeId + "." + current.id();
    }

    @Override
    public boolean knows(String epoch, long seen) throws SQLException {
        if (epoch != null && !epoch.equals(storeId) && !epoch.startsWith(storeId + ".")) return false;
        try (Connection c = pool.getConnection()) {
            try {
                if (epoch == null || epoch.equals(storeId)) return seen <= sequenceNow(c); // a cursor from before generations
                try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM hub_generations WHERE gen = ?")) {
                    ps.setString(1, epoch.substring(storeId.length() + 1));
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() && seen <= rs.getLong(1);
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    @Override
    public long lastSequence() {
        return current.last();
    }

    /**
     * The pushes in one transaction (one commit for the group). Each push locks its namespace's row, so pushes of several
     * namespaces lock them in the order given: callers give them sorted by namespace ({@link GroupCommit} does), so
     * two hubs' groups never wait on each other's locks.
     */
    @Override
    public List<Stored> pushAll(List<Push> pushes) throws SQLException {
        writeLock.lock();
        Generation gen = current;
        try (Connection c = pool.getConnection()) {
            try {
                List<Stored> out = together(c, pushes);
                if (out == null) {
                    out = PushGroup.store(c, pushes, new PushGroup.Writer() {
                        @Override
                        public PushOutcome store(Push p) throws SQLException {
                            return PostgresPushes.store(c, List.of(p)).get(0);
                        }

                        @Override
                        public void rolledBack() {
                        }
                    });
                }
                Map<String, Long> heads = new java.util.LinkedHashMap<>();
                Map<String, java.util.Set<String>> sites = new java.util.LinkedHashMap<>();
                long last = 0;
                for (int i = 0; i < pushes.size(); i++) {
                    PushOutcome o = out.get(i).outcome();
                    if (o == null || o.duplicate()) continue;
                    sites.computeIfAbsent(pushes.get(i).ns(), n -> new java.util.LinkedHashSet<>()).add(pushes.get(i).changes().origin());
                    if (o.stored() > 0) {
                        heads.put(pushes.get(i).ns(), o.seq());
                        last = Math.max(last, o.seq());
                    }
                }
                gen = finishGroup(c, gen, last, heads, sites);
                c.commit();
                current = gen;
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * A group of small pushes in two round trips for all ({@link PostgresPushes}), or {@code null} after rolling back
     * when that failed (or the group is one push, or large): the caller then stores them one by one, each in a
     * savepoint of its own, so the one that fails fails alone.
     */
    private static List<Stored> together(Connection c, List<Push> pushes) throws SQLException {
        long changes = 0;
        for (Push p : pushes) changes += p.changes().size();
        // large pushes pay little for their round trips, and their lookups' answers could fill the socket while
        // pgjdbc is still sending the next pushes' keys
        if (pushes.size() < 2 || changes > TOGETHER_CHANGES) return null;
        try {
            List<Stored> out = new ArrayList<>(pushes.size());
            for (PushOutcome o : PostgresPushes.store(c, pushes)) out.add(new Stored(o, null));
            return out;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            return null;
        }
    }

    /**
     * What a group's transaction does once its pushes are stored, in one round trip: raises this instance's generation
     * to {@code last} (when anything was stored), notifies the other hubs of each namespace's new head, and forgets
     * each pushing site's old batch ids. Returns the generation.
     */
    private Generation finishGroup(Connection c, Generation gen, long last, Map<String, Long> heads, Map<String, java.util.Set<String>> sites)
            throws SQLException {
        StringBuilder sql = new StringBuilder();
        List<String> params = new ArrayList<>();
        // never lowered: a pull may have raised it past this group's sequences (taken under other namespaces' locks)
        long raised = Math.max(last, gen.last());
        if (!heads.isEmpty()) {
            sql.append("UPDATE hub_generations SET last_seq = ").append(raised).append(" WHERE gen = ? AND last_seq = ").append(gen.last()).append(';');
            params.add(gen.id());
            for (Map.Entry<String, Long> h : heads.entrySet()) {
                sql.append(" SELECT pg_notify('" + CHANNEL + "', ?);");
                params.add(instance + " " + h.getValue() + " " + h.getKey());
            }
        }
        for (Map.Entry<String, java.util.Set<String>> e : sites.entrySet()) {
            for (String site : e.getValue()) {
                sql.append(" DELETE FROM hub_batches WHERE ns = ? AND site = ? AND n < (SELECT n FROM hub_batches WHERE ns = ? AND site = ?"
                        + " ORDER BY n DESC LIMIT 1 OFFSET " + BATCH_MEMORY + ");");
                params.addAll(List.of(e.getKey(), site, e.getKey(), site));
            }
        }
        if (params.isEmpty()) return gen;
        boolean recorded;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) ps.setString(i + 1, params.get(i));
            ps.execute();
            recorded = heads.isEmpty() || ps.getUpdateCount() == 1;
        }
        if (heads.isEmpty()) return gen;
        return recorded ? new Generation(gen.id(), raised) : restored(c, gen, raised);
    }

    /**
     * Raises this instance's generation to {@code seq} in the caller's transaction and returns it: a new generation when
     * its row is missing or not what this instance last wrote there (the database was restored under it).
     */
    private static Generation recordGeneration(Connection c, Generation gen, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub_generations SET last_seq = ? WHERE gen = ? AND last_seq = ?")) {
            ps.setLong(1, seq);
            ps.setString(2, gen.id());
            ps.setLong(3, gen.last());
            if (ps.executeUpdate() == 1) return new Generation(gen.id(), seq);
        }
        return restored(c, gen, seq);
    }

    /** {@code gen}'s row was missing or behind what this instance wrote there: a new generation at {@code seq}. */
    private static Generation restored(Connection c, Generation gen, long seq) throws SQLException {
        LOG.log(System.Logger.Level.WARNING, "the hub store''s generation {0} is missing or behind what this hub wrote there ({1}): the database"
                + " was restored; a new generation starts, so clients that saw the lost history push it again", gen.id(), String.valueOf(gen.last()));
        return insertGeneration(c, seq);
    }

    @Override
    public Page pull(String ns, long since, int limit, long maxBytes) throws SQLException {
        Page page;
        try (Connection c = pool.getConnection()) {
            // one statement, one snapshot: the rows and whether more follow come from the same committed state; a
            // cursor streams them (fetch size) so a page never reads the whole namespace
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, tbl, pk, cells FROM hub_rows WHERE ns = ? AND seq > ? ORDER BY seq")) {
                ps.setFetchSize(FETCH_ROWS);
                ps.setString(1, ns);
                ps.setLong(2, since);
                PageBuilder builder = new PageBuilder(since, limit, maxBytes);
                boolean more = false;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!builder.add(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4))) {
                            more = true;
                            break;
                        }
                    }
                }
                page = builder.page(more);
            } finally {
                c.rollback();
            }
        }
        if (page.next() > current.last()) raiseGeneration(page.next());
        return page;
    }

    /**
     * Records that this instance tells clients about sequences up to {@code seq} under its generation (pushed through
     * other instances), before it does.
     */
    private void raiseGeneration(long seq) throws SQLException {
        writeLock.lock();
        try (Connection c = pool.getConnection()) {
            if (seq <= current.last()) return;
            try {
                Generation raised = recordGeneration(c, current, seq);
                c.commit();
                current = raised;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Under the namespace's lock, so two hubs never grant one tag twice (see {@link HubStore#claimKeyTag}). */
    @Override
    public int claimKeyTag(String ns, String site, int wish) throws SQLException {
        try (Connection c = pool.getConnection()) {
            try {
                lockNamespace(c, ns);
                int tag = KeyTagGrants.claim(c, ns, site, wish);
                c.commit();
                return tag;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Locks {@code ns}'s row (created if missing) until {@code c}'s transaction ends; returns the namespace's head. */
    private static long lockNamespace(Connection c, String ns) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_namespaces(ns, head) VALUES (?, 0) ON CONFLICT (ns) DO NOTHING")) {
            ps.setString(1, ns);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT head FROM hub_namespaces WHERE ns = ? FOR UPDATE")) {
            ps.setString(1, ns);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public long head(String ns) throws SQLException {
        return number("SELECT head FROM hub_namespaces WHERE ns = ?", ns);
    }

    @Override
    public long cellCount(String ns) throws SQLException {
        return number("SELECT coalesce(sum(n), 0) FROM hub_rows WHERE ns = ?", ns);
    }

    /** The number {@code sql} (one parameter, the namespace) reads, 0 when it finds no row. */
    private long number(String sql, String ns) throws SQLException {
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, ns);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            } finally {
                c.rollback();
            }
        }
    }

    @Override
    public String kind() {
        return "postgresql";
    }

    /**
     * Reads the store through the pool while the notifications' connection is up; while it is down (the database
     * stopped, or not reachable) opens a connection of its own with a short timeout instead, so health answers at once
     * rather than after the pool's wait for a connection.
     */
    @Override
    public void check() throws SQLException {
        PostgresNotifications n = notifications;
        if (n != null && n.listening()) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1 FROM hub_schema LIMIT 1").close();
                c.rollback();
            }
            return;
        }
        try (Connection c = direct(2); Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM hub_schema LIMIT 1").close();
        }
    }

    /**
     * A connection of its own, outside the pool, that gives up connecting after {@code connectTimeoutSeconds} (a
     * database that is down must show as down at once, not after the operating system's TCP timeouts).
     */
    private Connection direct(int connectTimeoutSeconds) throws SQLException {
        java.util.Properties login = new java.util.Properties();
        if (user != null) login.setProperty("user", user);
        if (password != null) login.setProperty("password", password);
        login.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        return java.sql.DriverManager.getConnection(url, login);
    }

    /** The on-disk size of the store's tables and indexes. */
    @Override
    public long sizeBytes() {
        PostgresNotifications listener = notifications;
        if (listener != null && !listener.listening()) return -1; // the database is down: do not wait for the pool
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT sum(pg_total_relation_size(t)) FROM unnest(ARRAY['hub_rows', 'hub_batches', 'hub_namespaces', 'hub_generations', 'hub_meta']) AS t")) {
            rs.next();
            long n = rs.getLong(1);
            c.rollback();
            return n;
        } catch (SQLException e) {
            return -1;
        }
    }

    @Override
    public void watch(Watcher watcher) {
        PostgresNotifications n = new PostgresNotifications(() -> direct(5), pool, instance, watcher);
        notifications = n;
        n.start();
    }

    @Override
    public NotifyState notifyState() {
        PostgresNotifications n = notifications;
        return n == null ? null : n.state();
    }

    @Override
    public void close() {
        PostgresNotifications n = notifications;
        if (n != null) n.stop();
        pool.close();
    }
}
