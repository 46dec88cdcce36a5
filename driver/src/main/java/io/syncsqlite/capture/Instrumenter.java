package io.syncsqlite.capture;

import io.syncsqlite.config.SyncConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Brings a database's capture instrumentation in line with its schema: metadata tables, one version table and three
 * triggers per syncable table, nothing for tables that are gone. Idempotent; runs inside the caller's transaction when
 * one is open (so a migration's DDL and its instrumentation commit together), else in its own {@code BEGIN IMMEDIATE}.
 */
public final class Instrumenter {
    private static final System.Logger LOG = System.getLogger(Instrumenter.class.getName());

    private final SyncConfig config;
    private final Consumer<String> warnings;

    /**
     * @param config   which tables are excluded
     * @param warnings receives one message per table that cannot be captured (the caller reports each once)
     */
    public Instrumenter(SyncConfig config, Consumer<String> warnings) {
        this.config = config;
        this.warnings = warnings;
    }

    /**
     * Instruments {@code c}'s database and returns what is captured. Until the database has a table to sync, nothing
     * is created: tools that judge a schema empty by reading {@code sqlite_master} (Flyway) still find it empty.
     */
    public CaptureSchema instrument(Connection c) throws SQLException {
        if (c.getAutoCommit()) {
            // most checks find nothing to change: decide that under a read snapshot, so concurrent writers (a migration
            // tool's read-then-write transaction) never meet a write lock of ours for nothing
            CaptureSchema unchanged = Transactions.read(c, () -> {
                if (!MetaTables.exist(c)) return hasSyncableTable(c) ? null : CaptureSchema.none(SchemaReader.schemaVersion(c));
                return reconcile(c, false);
            });
            if (unchanged != null) return unchanged;
        }
        return Transactions.write(c, () -> {
            if (!MetaTables.exist(c) && !hasSyncableTable(c)) return CaptureSchema.none(SchemaReader.schemaVersion(c));
            MetaTables.create(c);
            return reconcile(c, true);
        });
    }

    /** Creates the metadata (and the site id) now, whatever the schema holds. */
    public void createMetadata(Connection c) throws SQLException {
        Transactions.write(c, () -> {
            MetaTables.create(c);
            return null;
        });
    }

    private void warnNoKey(TableSchema table) {
        warnings.accept("Table " + Sql.quote(table.name()) + " has no PRIMARY KEY: it is not synced");
    }

    private boolean hasSyncableTable(Connection c) throws SQLException {
        boolean any = false;
        int limit = TableWidth.columnLimit(c);
        for (TableSchema t : SchemaReader.userTables(c).values()) {
            if (config.isExcluded(t.name())) continue;
            if (!t.hasPrimaryKey()) warnNoKey(t);
            else if (TableWidth.fits(t.primaryKey().size(), valueColumns(t).size(), valueColumns(t).size(), limit)) any = true;
            else warnings.accept(TableWidth.tooWide(t, limit, false));
        }
        return any;
    }

    /**
     * Drops every capture trigger, runs {@code work}, then instruments again, all in one transaction, for schema
     * changes SQLite refuses while triggers name the columns involved (DROP COLUMN).
     */
    public <T> T withTriggersLifted(Connection c, Transactions.SqlWork<T> work) throws SQLException {
        return Transactions.write(c, () -> {
            try (Statement s = c.createStatement()) {
                for (String name : existingTriggers(c).keySet()) s.execute("DROP TRIGGER " + Sql.quote(name));
            }
            T result = work.run();
            MetaTables.create(c);
            reconcile(c, true);
            return result;
        });
    }

    /**
     * Brings registry, version tables and triggers in line with the schema. With {@code write} false it only looks,
     * and returns {@code null} as soon as something would have to change.
     */
    private CaptureSchema reconcile(Connection c, boolean write) throws SQLException {
        Map<String, Registered> registry = loadRegistry(c);
        Map<String, String> desiredTriggers = new LinkedHashMap<>();
        List<CapturedTable> captured = new ArrayList<>();
        Set<String> kept = new TreeSet<>(Sql.IDENTIFIER_ORDER);
        int limit = TableWidth.columnLimit(c);
        for (TableSchema table : SchemaReader.userTables(c).values()) {
            if (config.isExcluded(table.name())) continue;
            if (!table.hasPrimaryKey()) {
                warnNoKey(table);
                continue;
            }
            Registered reg = registry.get(table.name());
            if (!fits(table, reg, limit)) {
                // refused before anything is created, so no half-made version table or trigger can break a later open
                warnings.accept(TableWidth.tooWide(table, limit, reg != null));
                continue;
            }
            boolean keyChanged = reg != null && !sameColumns(reg.primaryKey, table.primaryKey());
            if (!write && (reg == null || keyChanged || !reg.slots.keySet().containsAll(valueColumns(table)))) return null;
            if (keyChanged) {
                drop(c, reg);
                reg = null;
            }
            CapturedTable ct = reg == null ? register(c, table) : extend(c, reg, table);
            kept.add(table.name());
            captured.add(ct);
            desiredTriggers.putAll(new TriggerSql(ct).triggers());
        }
        for (Registered reg : registry.values()) {
            if (kept.contains(reg.name)) continue;
            if (!write) return null;
            drop(c, reg);
        }
        Map<String, String> existing = existingTriggers(c);
        if (!existing.equals(desiredTriggers)) {
            if (!write) return null;
            try (Statement s = c.createStatement()) {
                for (Map.Entry<String, String> e : existing.entrySet()) {
                    if (!e.getValue().equals(desiredTriggers.get(e.getKey()))) s.execute("DROP TRIGGER IF EXISTS " + Sql.quote(e.getKey()));
                }
                for (Map.Entry<String, String> e : desiredTriggers.entrySet()) {
                    if (!e.getValue().equals(existing.get(e.getKey()))) s.execute(e.getValue());
                }
            }
        }
        return new CaptureSchema(captured, SchemaReader.schemaVersion(c));
    }

    /** Whether the table's version row and the widest statement over it stay within SQLite's column limit. */
    private static boolean fits(TableSchema table, Registered reg, int limit) {
        List<String> values = valueColumns(table);
        int slots = values.size();
        if (reg != null && sameColumns(reg.primaryKey, table.primaryKey())) {
            // slots of dropped columns are never reused, so the version table only grows
            int next = reg.slots.isEmpty() ? 0 : java.util.Collections.max(reg.slots.values()) + 1;
            slots = next + (int) values.stream().filter(v -> !reg.slots.containsKey(v)).count();
        }
        return TableWidth.fits(table.primaryKey().size(), values.size(), slots, limit);
    }

    private static boolean sameColumns(List<String> a, List<String> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Sql.sameIdentifier(a.get(i), b.get(i))) return false;
        return true;
    }

    private static List<String> valueColumns(TableSchema table) {
        List<String> out = new ArrayList<>(table.columns());
        out.removeAll(table.primaryKey());
        return out;
    }

    private CapturedTable register(Connection c, TableSchema table) throws SQLException {
        int id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.TABLES + "(name) VALUES (?)")) {
            ps.setString(1, table.name());
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            id = rs.getInt(1);
        }
        List<CapturedTable.Slot> slots = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.COLUMNS + "(tbl, name, key_pos, slot) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < table.primaryKey().size(); i++) insertColumn(ps, id, table.primaryKey().get(i), i, null);
            for (String col : table.columns()) {
                if (table.primaryKey().contains(col)) continue;
                CapturedTable.Slot slot = new CapturedTable.Slot(col, slots.size());
                slots.add(slot);
                insertColumn(ps, id, col, null, slot.slot());
            }
        }
        CapturedTable ct = new CapturedTable(id, table.name(), table.primaryKey(), slots, table.rowidKeyPosition());
        TriggerSql sql = new TriggerSql(ct);
        try (Statement s = c.createStatement()) {
            s.execute(sql.createVersionTable());
            for (String backfill : sql.backfill()) s.execute(backfill);
        }
        return ct;
    }

    private CapturedTable extend(Connection c, Registered reg, TableSchema table) throws SQLException {
        List<CapturedTable.Slot> present = new ArrayList<>();
        int next = reg.slots.isEmpty() ? 0 : java.util.Collections.max(reg.slots.values()) + 1;
        for (String col : table.columns()) {
            if (table.primaryKey().contains(col)) continue;
            Integer slot = reg.slots.get(col);
            if (slot == null) {
                slot = next++;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.COLUMNS + "(tbl, name, key_pos, slot) VALUES (?, ?, ?, ?)")) {
                    insertColumn(ps, reg.id, col, null, slot);
                }
                String[] defs = TriggerSql.slotColumns(slot).split(", ");
                try (Statement s = c.createStatement()) {
                    for (String def : defs) s.execute("ALTER TABLE " + Sql.quote(Sql.PREFIX + "v" + reg.id) + " ADD COLUMN " + def);
                }
            }
            present.add(new CapturedTable.Slot(col, slot));
        }
        return new CapturedTable(reg.id, table.name(), table.primaryKey(), present, table.rowidKeyPosition());
    }

    private static void insertColumn(PreparedStatement ps, int table, String name, Integer keyPos, Integer slot) throws SQLException {
        ps.setInt(1, table);
        ps.setString(2, name);
        ps.setObject(3, keyPos);
        ps.setObject(4, slot);
        ps.executeUpdate();
    }

    private void drop(Connection c, Registered reg) throws SQLException {
        LOG.log(System.Logger.Level.DEBUG, "dropping capture of table {0}", reg.name);
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + Sql.quote(Sql.PREFIX + "v" + reg.id));
            s.execute("DELETE FROM " + MetaTables.OUTBOX + " WHERE tbl = " + reg.id);
            s.execute("DELETE FROM " + MetaTables.COLUMNS + " WHERE tbl = " + reg.id);
            s.execute("DELETE FROM " + MetaTables.TABLES + " WHERE id = " + reg.id);
        }
    }

    private static Map<String, String> existingTriggers(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_syncsqlite\\_%' ESCAPE '\\'")) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }

    private static Map<String, Registered> loadRegistry(Connection c) throws SQLException {
        Map<Integer, Registered> byId = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name FROM " + MetaTables.TABLES)) {
            while (rs.next()) byId.put(rs.getInt(1), new Registered(rs.getInt(1), rs.getString(2)));
        }
        Map<Integer, TreeMap<Integer, String>> keys = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tbl, name, key_pos, slot FROM " + MetaTables.COLUMNS)) {
            while (rs.next()) {
                Registered reg = byId.get(rs.getInt(1));
                if (reg == null) continue;
                rs.getInt(3);
                if (!rs.wasNull()) keys.computeIfAbsent(reg.id, k -> new TreeMap<>()).put(rs.getInt(3), rs.getString(2));
                else reg.slots.put(rs.getString(2), rs.getInt(4));
            }
        }
        Map<String, Registered> byName = new TreeMap<>(Sql.IDENTIFIER_ORDER); // a rename that only changes case keeps its versions
        for (Registered reg : byId.values()) {
            reg.primaryKey = new ArrayList<>(keys.getOrDefault(reg.id, new TreeMap<>()).values());
            byName.put(reg.name, reg);
        }
        return byName;
    }

    /** A table as recorded in the registry: its id, key and the version slot of every value column it ever had. */
    private static final class Registered {
        final int id;
        final String name;
        final Map<String, Integer> slots = new TreeMap<>(Sql.IDENTIFIER_ORDER);
        List<String> primaryKey = List.of();

        Registered(int id, String name) {
            this.id = id;
            this.name = name;
        }
    }
}
