package io.syncsqlite.engine;

import io.syncsqlite.capture.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sqlite.Collation;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * The functions (scalar, aggregate and window) and collations the application registered ({@code org.sqlite.Function.create},
 * {@code Collation.create}) on its connections of one file, made available on the sync engine's connection: an index,
 * CHECK, generated column or trigger that uses them must give the same answers when the engine applies a remote change
 * as when the application writes. SQLite lists what a connection has ({@code PRAGMA function_list},
 * {@code PRAGMA collation_list}); for each name the engine's connection lacks, it gets a relay that asks an open
 * application connection which registered it ({@link RelayedFunction}, {@link RelayedCollation}), so the application's
 * object is only ever called on its own connection, one call at a time, as xerial calls it ({@link RelayedAggregate}
 * hands an aggregate the rows of its group there). Looked at again before a round once a connection opened or closed
 * or the application reached xerial's handle ({@code getDatabase()}, which {@code Function.create} and
 * {@code Collation.create} use).
 */
public final class AppDefinitions {
    private static final System.Logger LOG = System.getLogger(AppDefinitions.class.getName());

    /**
     * A function (name and argument count, {@code -1}: any; {@code aggregate} for aggregate and window functions) or a
     * collation ({@code args} unused) as SQLite lists it.
     */
    record Name(String name, int args, boolean collation, boolean aggregate) {
        Name {
            name = name.toLowerCase(java.util.Locale.ROOT); // SQLite matches both case-insensitively (ASCII)
        }
    }

    /** The application's open connections of the file, in the order they opened. */
    private final List<SQLiteConnection> open = new CopyOnWriteArrayList<>();
    /** What each name is provided by: replaced whole, read without a lock (a relay reads it inside the engine's statement). */
    private volatile Map<Name, List<SQLiteConnection>> providers = Map.of();
    /** The relays on the engine's connection, by name (only the engine's thread changes it, under this). */
    private final Map<Name, Object> relays = new HashMap<>();
    private volatile boolean changed = true;
    /** SQLITE_DETERMINISTIC, SQLITE_DIRECTONLY and SQLITE_INNOCUOUS: what lets SQLite use a function in indexes, CHECKs, generated columns. */
    private static final int RELAYED_FLAGS = 0x800 | 0x80000 | 0x200000;
    private static final Set<String> BUILT_IN_COLLATIONS = Set.of("BINARY", "NOCASE", "RTRIM");
    private static final Set<String> FUNCTION_TYPES = Set.of("s", "a", "w");
    /** A relay was added since the engine last asked (guarded by this). */
    private boolean added;

    /** An application connection opened: what it registers may be relayed. */
    public void opened(SQLiteConnection app) {
        open.add(app);
        changed = true;
    }

    /** An application connection closed: relays it alone provided stop being relayed. */
    public void closed(SQLiteConnection app) {
        open.remove(app);
        changed = true;
    }

    /** The application reached xerial's handle of one of its connections: it may have registered or removed a definition. */
    public void mayHaveChanged() {
        changed = true;
    }

    /**
     * Gives the engine's connection {@code engine} a relay for every function and collation an application connection
     * has and it lacks, and takes away the collations none provides any more (functions without a provider fail as a
     * missing function does). Run by the engine before it applies anything, and when an application connection closes.
     */
    synchronized void align(Connection engine) throws SQLException {
        if (!changed) return;
        changed = false;
        Map<Name, List<SQLiteConnection>> provided = new HashMap<>();
        Map<Name, Integer> flags = new HashMap<>();
        for (SQLiteConnection app : open) {
            try {
                for (Map.Entry<Name, Integer> d : defined(app).entrySet()) {
                    provided.computeIfAbsent(d.getKey(), k -> new ArrayList<>()).add(app);
                    flags.putIfAbsent(d.getKey(), d.getValue());
                }
            } catch (SQLException e) {
                if (!app.isClosed()) throw e; // closed meanwhile: it provides nothing any more
            }
        }
        providers = provided;
        Set<Name> engineHas = defined(engine).keySet();
        for (Name n : provided.keySet()) {
            if (relays.containsKey(n) || engineHas.contains(n)) continue;
            relays.put(n, register(engine, n, flags.get(n)));
            added = true;
        }
        for (var it = relays.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().collation() || provided.containsKey(e.getKey())) continue;
            SQLiteConnection sc = engine.unwrap(SQLiteConnection.class);
            if (sc.getDatabase().destroy_collation(e.getKey().name()) == 0) it.remove(); // else in use now: next time
        }
    }

    /** Whether a relay was added since the last call: what waited for one is retried. */
    synchronized boolean takeAdded() {
        boolean a = added;
        added = false;
        return a;
    }

    /** The open application connections that register {@code n} now, first the one that registered it first. */
    List<SQLiteConnection> providers(Name n) {
        return providers.getOrDefault(n, List.of());
    }

    /**
     * The application's (non built-in) functions, with their flags, and its collations on {@code c}. Asked with
     * the PRAGMA statements, not their table-valued forms: a table in the statement would begin a read transaction,
     * which inside an application's open deferred transaction would fix its snapshot early.
     */
    private static Map<Name, Integer> defined(Connection c) throws SQLException {
        Map<Name, Integer> names = new HashMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA function_list")) { // name, builtin, type, enc, narg, flags
                while (rs.next()) {
                    String type = rs.getString(3); // s scalar, a aggregate, w window
                    if (rs.getInt(2) != 0 || !FUNCTION_TYPES.contains(type) || Sql.isInternal(rs.getString(1))) continue;
                    names.put(new Name(rs.getString(1), rs.getInt(5), false, !"s".equals(type)), rs.getInt(6) & RELAYED_FLAGS);
                }
            }
            try (ResultSet rs = s.executeQuery("PRAGMA collation_list")) { // seq, name
                while (rs.next()) if (!BUILT_IN_COLLATIONS.contains(rs.getString(2))) names.put(new Name(rs.getString(2), 0, true, false), 0);
            }
        }
        return names;
    }

    private Object register(Connection engine, Name n, int flags) throws SQLException {
        if (n.collation()) {
            RelayedCollation relay = new RelayedCollation(this, n, engine.unwrap(SQLiteConnection.class));
            Collation.create(engine, n.name(), relay);
            LOG.log(System.Logger.Level.DEBUG, "collation {0} relayed to the sync engine''s connection", n.name());
            return relay;
        }
        // an aggregate's relay is a window function: SQLite takes it wherever an aggregate or a window function goes
        Function relay = n.aggregate() ? new RelayedAggregate(this, n) : new RelayedFunction(this, n);
        // with the application's flags, so SQLite accepts it where it accepted the application's
        Function.create(engine, n.name(), relay, n.args(), flags);
        LOG.log(System.Logger.Level.DEBUG, "function {0}/{1} relayed to the sync engine''s connection", n.name(), n.args());
        return relay;
    }
}
