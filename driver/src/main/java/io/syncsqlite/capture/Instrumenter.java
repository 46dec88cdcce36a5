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
            CaptureSchema unchanged = unchanged(c);
            if (unchanged != null) return unchanged;
        }
        return Transactions.write(c, () -> {
            if (!MetaTables.exist(c) && !hasSyncableTable(c)) return CaptureSchema.none(SchemaReader.schemaVersion(c));
            MetaTables.create(c);
            return reconcile(c, true);
        });
    }

    /**
     * What is captured, when instrumenting {@code c}'s database (in auto-commit mode) would write nothing; {@code null}
     * when it would write. Only reads, under one snapshot.
     */
    public CaptureSchema unchanged(Connection c) throws SQLException {
        return Transactions.read(c, () -> {
            if (!MetaTables.exist(c)) return hasSyncableTable(c) ? null : CaptureSchema.none(SchemaReader.schemaVersion(c));
            return MetaTables.isCurrent(c) ? reconcile(c, false) : null;
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
     * Lifts the triggers naming value columns (SQLite refuses {@code DROP COLUMN} while a trigger names the column), snapshots the
     * tables {@code change} may drop, runs {@code work}, then instruments again, all in one transaction, so a rebuild
     * or drop that comes as a script or batch is reconciled as a whole.
     */
    public <T> T aroundSchemaChange(Connection c, SchemaChange change, Transactions.SqlWork<T> work) throws SQLException {
        return Transactions.write(c, () -> {
            if (MetaTables.exist(c)) {
                MetaTables.create(c);
                VersionFold.all(c); // versions as the schema the writes were made under had them
                if (change.dropsTable()) Snapshots.take(c, change);
                if (change.dropsColumn()) {
                    try (Statement s = c.createStatement()) {
                        for (String name : existingTriggers(c).keySet()) {
                            // the column-update triggers and the cross-replica key trigger name value columns
                            if (name.startsWith(Sql.PREFIX + "au") || name.startsWith(Sql.PREFIX + "ka")) s.execute("DROP TRIGGER " + Sql.quote(name));
                        }
                    }
                }
            }
            T result = work.run();
            if (MetaTables.exist(c) || hasSyncableTable(c)) {
                MetaTables.create(c);
                reconcile(c, true);
            }
            return result;
        });
    }

    /**
     * Brings registry, version tables and triggers in line with the schema. With {@code write} false it only looks,
     * and returns {@code null} as soon as something would have to change.
     */
    private CaptureSchema reconcile(Connection c, boolean write) throws SQLException {
        if (!write && !MetaTables.current(c)) return null;
        if (write) VersionFold.all(c); // renames, drops and rebuilds below read and move versions
        Registry registry = Registry.load(c);
        Map<String, TableSchema> tables = new TreeMap<>(Sql.IDENTIFIER_ORDER);
        for (TableSchema t : SchemaReader.userTables(c).values()) if (!config.isExcluded(t.name())) tables.put(t.name(), t);
        Map<String, String> existing = existingTriggers(c);
        Map<String, String> triggerTables = triggerTables(c);
        if (!new Lineage(c, registry, tables, existing, triggerTables, write).follow()) return null;

        Map<String, String> desiredTriggers = new LinkedHashMap<>();
        List<CapturedTable> captured = new ArrayList<>();
        int limit = TableWidth.columnLimit(c);
        for (TableSchema table : tables.values()) {
            if (!table.hasPrimaryKey()) {
                warnNoKey(table);
                continue;
            }
            Registry.Registered reg = registry.live.get(table.name());
            if (!fits(table, reg, limit)) {
                // refused before anything is created, so no half-made version table or trigger can break a later open
                warnings.accept(TableWidth.tooWide(table, limit, reg != null));
                continue;
            }
            if (!write && (reg == null || !reg.slots.keySet().containsAll(valueColumns(table)))) return null;
            CapturedTable ct = reg == null ? register(c, table) : extend(c, reg, table);
            captured.add(ct);
            desiredTriggers.putAll(new TriggerSql(ct, SchemaReader.uniqueKeys(c, table.name()), config.wideKeys()).triggers());
        }
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
        return new CaptureSchema(captured, retiring(c, registry), Routes.of(registry, captured), SchemaReader.schemaVersion(c));
    }

    /** Dropped tables whose unpublished changes are still to be published, read from their snapshot. */
    private static List<CapturedTable> retiring(Connection c, Registry registry) throws SQLException {
        List<CapturedTable> out = new ArrayList<>();
        for (Registry.Registered reg : registry.dropped.values()) {
            if (!MetaTables.tableExists(c, Snapshots.name(reg.id))) continue;
            List<CapturedTable.Slot> slots = new ArrayList<>();
            List<String> snapshotColumns = SchemaReader.columns(c, Snapshots.name(reg.id));
            for (Map.Entry<String, Integer> e : reg.slots.entrySet()) {
                if (snapshotColumns.contains(e.getKey())) slots.add(new CapturedTable.Slot(e.getKey(), e.getValue()));
            }
            out.add(new CapturedTable(reg.id, reg.name, reg.primaryKey, slots, -1));
        }
        return out;
    }

    /** Whether the table's version row and the widest statement over it stay within SQLite's column limit. */
    private static boolean fits(TableSchema table, Registry.Registered reg, int limit) {
        List<String> values = valueColumns(table);
        int slots = values.size();
        if (reg != null && sameColumns(reg.primaryKey, table.primaryKey())) {
            // slots of dropped columns are never reused, so the version table only grows
            int next = reg.slots.isEmpty() ? 0 : java.util.Collections.max(reg.slots.values()) + 1;
            slots = next + (int) values.stream().filter(v -> !reg.slots.containsKey(v)).count();
        }
        return TableWidth.fits(table.primaryKey().size(), values.size(), slots, limit);
    }

    static boolean sameColumns(List<String> a, List<String> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Sql.sameIdentifier(a.get(i), b.get(i))) return false;
        return true;
    }

    private static List<String> valueColumns(TableSchema table) {
        List<String> out = new ArrayList<>(table.columns());
        out.removeAll(table.primaryKey());
        return out;
    }

    CapturedTable register(Connection c, TableSchema table) throws SQLException {
        int id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.TABLES + "(id, name) VALUES ((SELECT max(coalesce((SELECT max(id) FROM "
                + MetaTables.TABLES + "), 0), coalesce((SELECT max(id) FROM " + MetaTables.DROPPED + "), 0)) + 1), ?)")) {
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
            s.execute(sql.createVersionTable(SchemaReader.keyCollations(c, table.name(), table.primaryKey())));
            for (String backfill : sql.backfill()) s.execute(backfill);
        }
        return ct;
    }

    /** The registration brought in line with the table's columns: a new column gets a new version slot. */
    static CapturedTable extend(Connection c, Registry.Registered reg, TableSchema table) throws SQLException {
        List<CapturedTable.Slot> present = new ArrayList<>();
        int next = reg.slots.isEmpty() ? 0 : java.util.Collections.max(reg.slots.values()) + 1;
        for (String col : table.columns()) {
            if (table.primaryKey().contains(col)) continue;
            Integer slot = reg.slots.get(col);
            if (slot == null) {
                slot = next++;
                reg.slots.put(col, slot);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.COLUMNS + "(tbl, name, key_pos, slot) VALUES (?, ?, ?, ?)")) {
                    insertColumn(ps, reg.id, col, null, slot);
                }
                String[] defs = TriggerSql.slotColumns(slot).split(", ");
                try (Statement s = c.createStatement()) {
                    for (String def : defs) s.execute("ALTER TABLE " + Sql.quote(reg.versionTable()) + " ADD COLUMN " + def);
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

    /** Our triggers by name, with the table each sits on now (a renamed table takes its triggers along). */
    private static Map<String, String> triggerTables(Connection c) throws SQLException {
        return ourTriggers(c, "tbl_name");
    }

    private static Map<String, String> existingTriggers(Connection c) throws SQLException {
        return ourTriggers(c, "sql");
    }

    /** Our triggers by name, each with {@code column} of its {@code sqlite_master} row (a constant of this class). */
    private static Map<String, String> ourTriggers(Connection c, String column) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, " + column + " FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_syncsqlite\\_%' ESCAPE '\\'")) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }
}
