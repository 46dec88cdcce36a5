package io.syncsqlite.capture;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The captured tables of one database, as instrumented at a given {@code schema_version}. */
public final class CaptureSchema {
    /** Looked up as SQLite resolves names: a change for {@code Users} is for the local {@code users}. */
    private final Map<String, CapturedTable> byName = new TreeMap<>(Sql.IDENTIFIER_ORDER);
    private final Map<Integer, CapturedTable> byId = new HashMap<>();
    private final Map<Integer, CapturedTable> retiring = new HashMap<>();
    private final Routes routes;
    private final long schemaVersion;
    private final boolean metadata;

    public CaptureSchema(Collection<CapturedTable> tables, long schemaVersion) {
        this(tables, java.util.List.of(), Routes.NONE, schemaVersion, true);
    }

    CaptureSchema(Collection<CapturedTable> tables, Collection<CapturedTable> retiring, Routes routes, long schemaVersion) {
        this(tables, retiring, routes, schemaVersion, true);
    }

    private CaptureSchema(Collection<CapturedTable> tables, Collection<CapturedTable> retiring, Routes routes, long schemaVersion, boolean metadata) {
        for (CapturedTable t : tables) {
            byName.put(t.name(), t);
            byId.put(t.id(), t);
        }
        for (CapturedTable t : retiring) this.retiring.put(t.id(), t);
        this.routes = routes;
        this.schemaVersion = schemaVersion;
        this.metadata = metadata;
    }

    /** A database with nothing to sync yet, where the driver has created nothing. */
    public static CaptureSchema none(long schemaVersion) {
        return new CaptureSchema(java.util.List.of(), java.util.List.of(), Routes.NONE, schemaVersion, false);
    }

    /** Whether the driver's metadata tables (and so the site id) exist. */
    public boolean hasMetadata() {
        return metadata;
    }

    public CapturedTable table(String name) {
        return byName.get(name);
    }

    /** A live table by id, or a dropped one whose unpublished changes are still to be read (from its snapshot). */
    public CapturedTable table(int id) {
        CapturedTable t = byId.get(id);
        return t != null ? t : retiring.get(id);
    }

    /** Where the rows of {@code t} are read from: the table itself, or the snapshot taken when it was dropped. */
    public String source(CapturedTable t) {
        return byId.get(t.id()) == t ? t.name() : Snapshots.name(t.id());
    }

    /** The local table a peer's table name leads to: the same name, or a table renamed here since; else null. */
    public CapturedTable resolve(String table) {
        CapturedTable t = byName.get(table);
        if (t != null) return t;
        String now = routes.table(table);
        return now == null ? null : byName.get(now);
    }

    /** Whether this replica dropped the table {@code table} (its changes are archived, not kept waiting). */
    public boolean droppedTable(String table) {
        return byName.get(table) == null && routes.tableDropped(table);
    }

    /** The local column a peer's column name of {@code t} leads to (renamed here since), or null. */
    public String resolveColumn(CapturedTable t, String column) {
        if (t.column(column) != null) return column;
        return routes.column(t.name(), column);
    }

    /** Whether this replica dropped column {@code column} of {@code t}. */
    public boolean droppedColumn(CapturedTable t, String column) {
        return t.column(column) == null && routes.columnDropped(t.name(), column);
    }

    public Collection<CapturedTable> tables() {
        return byName.values();
    }

    public long schemaVersion() {
        return schemaVersion;
    }
}
