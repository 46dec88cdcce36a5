package io.syncsqlite.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows each captured table through the schema changes since the last reconcile, so its id (versions, outbox
 * entries, tombstones) stays with its data: a renamed table or column is recognised by the capture trigger SQLite
 * moved or rewrote along with it; a dropped table is retired (kept, with its snapshot, until its unpublished changes
 * are out); a table that takes a dropped one's place in the same transaction (a rebuild) adopts it.
 */
final class Lineage {
    private static final System.Logger LOG = System.getLogger(Lineage.class.getName());
    private static final String IDENT = "(\"(?:[^\"]|\"\")*\"|\\[[^\\]]*\\]|`(?:[^`]|``)*`|[\\p{L}_][\\p{L}\\p{N}_$]*)";
    private static final Pattern UPDATE_OF = Pattern.compile("AFTER UPDATE OF\\s+(.*?)\\s+ON\\s", Pattern.DOTALL);
    private static final Pattern ONE_IDENT = Pattern.compile(IDENT);

    private final Connection c;
    private final Registry registry;
    private final Map<String, TableSchema> tables;
    private final Map<String, String> triggerSql;
    private final Map<String, String> triggerTables;
    private final boolean write;
    private final Set<Integer> recreated = new HashSet<>();

    Lineage(Connection c, Registry registry, Map<String, TableSchema> tables, Map<String, String> triggerSql, Map<String, String> triggerTables,
            boolean write) {
        this.c = c;
        this.registry = registry;
        this.tables = tables;
        this.triggerSql = triggerSql;
        this.triggerTables = triggerTables;
        this.write = write;
    }

    /** Applies every rename, drop and adoption; {@code false} when one is due but {@code write} is off. */
    boolean follow() throws SQLException {
        return renames() && drops() && adoptions() && finalDrops();
    }

    private boolean renames() throws SQLException {
        for (Registry.Registered reg : List.copyOf(registry.live.values())) {
            if (tables.containsKey(reg.name)) continue;
            String now = triggerTables.get(Sql.PREFIX + "ai" + reg.id);
            if (now == null || !tables.containsKey(now) || registry.live.containsKey(now)) continue;
            if (!write) return false;
            registry.renameTable(c, reg, now);
        }
        for (Registry.Registered reg : registry.live.values()) {
            TableSchema t = tables.get(reg.name);
            if (t == null || !triggerTables.containsKey(Sql.PREFIX + "ai" + reg.id)) continue;
            if (!Instrumenter.sameColumns(reg.primaryKey, t.primaryKey())) {
                List<String> keys = updatedColumns(Sql.PREFIX + "ak" + reg.id);
                if (Instrumenter.sameColumns(keys, t.primaryKey()) && keys.size() == reg.primaryKey.size()) {
                    if (!write) return false;
                    for (int i = 0; i < keys.size(); i++) {
                        Registry.update(c, "UPDATE " + MetaTables.COLUMNS + " SET name = ? WHERE tbl = ? AND key_pos = ?", keys.get(i), reg.id, i);
                    }
                    reg.primaryKey = keys;
                }
            }
            for (Map.Entry<String, Integer> e : List.copyOf(reg.slots.entrySet())) {
                if (hasColumn(t, e.getKey())) continue;
                List<String> now = updatedColumns(Sql.PREFIX + "au" + reg.id + "_" + e.getValue());
                if (now.size() != 1) continue;
                String name = now.get(0);
                if (Sql.sameIdentifier(name, e.getKey()) || !hasColumn(t, name) || reg.slots.containsKey(name) || t.primaryKey().contains(name)) continue;
                if (!write) return false;
                registry.renameColumn(c, reg, e.getKey(), name);
            }
        }
        return true;
    }

    private static boolean hasColumn(TableSchema t, String name) {
        for (String c : t.columns()) if (Sql.sameIdentifier(c, name)) return true;
        return false;
    }

    /** The columns an {@code AFTER UPDATE OF …} trigger of ours names now (SQLite rewrites them on RENAME COLUMN). */
    private List<String> updatedColumns(String trigger) {
        String sql = triggerSql.get(trigger);
        List<String> out = new ArrayList<>();
        if (sql == null) return out;
        Matcher m = UPDATE_OF.matcher(sql);
        if (!m.find()) return out;
        Matcher id = ONE_IDENT.matcher(m.group(1));
        while (id.find()) out.add(SchemaChange.unquote(id.group(1)));
        return out;
    }

    private boolean drops() throws SQLException {
        for (Registry.Registered reg : List.copyOf(registry.live.values())) {
            TableSchema t = tables.get(reg.name);
            // the table is there but our insert trigger is not: it was dropped and created anew under its name
            boolean recreatedHere = t != null && !triggerTables.containsKey(Sql.PREFIX + "ai" + reg.id);
            if (t != null && !recreatedHere && t.hasPrimaryKey() && Instrumenter.sameColumns(t.primaryKey(), reg.primaryKey)) continue;
            if (!write) return false;
            registry.retire(c, reg);
            OpenDrops.dropped(c, reg.id);
            if (recreatedHere) recreated.add(reg.id);
        }
        return true;
    }

    private boolean adoptions() throws SQLException {
        for (Registry.Registered old : List.copyOf(registry.dropped.values())) {
            if (!recreated.contains(old.id) && !OpenDrops.isOpen(c, old.id)) continue;
            for (String name : registry.names(old)) {
                TableSchema t = tables.get(name);
                if (t == null || !t.hasPrimaryKey() || !Instrumenter.sameColumns(t.primaryKey(), old.primaryKey)) continue;
                Registry.Registered replaced = registry.live.get(name);
                if (replaced != null && replaced.id < old.id) continue; // an older table renamed into place: not a copy of this one
                if (!write) return false;
                if (replaced != null) registry.forget(c, replaced);
                adopt(old, t);
                break;
            }
        }
        return true;
    }

    private void adopt(Registry.Registered old, TableSchema t) throws SQLException {
        String snapshot = Snapshots.name(old.id);
        boolean haveSnapshot = MetaTables.tableExists(c, snapshot);
        List<String> oldColumns = haveSnapshot ? SchemaReader.columns(c, snapshot) : List.of();
        Set<String> known = new HashSet<>(old.slots.keySet());
        registry.revive(c, old, t.name());
        CapturedTable ct = Instrumenter.extend(c, old, t);
        Map<String, Object> defaults = new HashMap<>();
        for (CapturedTable.Slot s : ct.columns()) {
            if (!known.contains(s.name()) || (haveSnapshot && !oldColumns.contains(s.name()))) defaults.put(s.name(), defaultValue(t.name(), s.name()));
        }
        LOG.log(System.Logger.Level.DEBUG, "table {0} rebuilt: carrying its versions over ({1})", t.name(), haveSnapshot ? "values compared" : "no snapshot");
        TableAdoption.adopt(c, ct, haveSnapshot ? snapshot : null, oldColumns, defaults);
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + Sql.quote(snapshot));
        }
    }

    /** The value a column's DEFAULT gives (NULL without one); read from the local schema, never from a peer. */
    private Object defaultValue(String table, String column) throws SQLException {
        String expr = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT dflt_value FROM pragma_table_xinfo(?) WHERE name = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) expr = rs.getString(1);
            }
        }
        if (expr == null) return null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + expr)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    /**
     * Dropped tables whose transaction is over: once no unpublished change needs their snapshot (or there is none to
     * read them from), the version table and snapshot go; the registration stays, to archive late changes for it.
     */
    private boolean finalDrops() throws SQLException {
        for (Registry.Registered old : registry.dropped.values()) {
            if (OpenDrops.isOpen(c, old.id)) continue;
            boolean versions = MetaTables.tableExists(c, old.versionTable());
            String snapshot = Snapshots.name(old.id);
            boolean haveSnapshot = MetaTables.tableExists(c, snapshot);
            if (!versions && !haveSnapshot) continue;
            if (haveSnapshot && unpublished(old.id)) continue;
            if (!write) return false;
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + MetaTables.OUTBOX + " WHERE tbl = " + old.id);
                s.execute("DROP TABLE IF EXISTS " + Sql.quote(old.versionTable()));
                s.execute("DROP TABLE IF EXISTS " + Sql.quote(snapshot));
            }
        }
        return true;
    }

    private boolean unpublished(int id) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + MetaTables.OUTBOX + " WHERE tbl = " + id + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
