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
    private final long schemaVersion;
    private final boolean metadata;

    public CaptureSchema(Collection<CapturedTable> tables, long schemaVersion) {
        this(tables, schemaVersion, true);
    }

    private CaptureSchema(Collection<CapturedTable> tables, long schemaVersion, boolean metadata) {
        for (CapturedTable t : tables) {
            byName.put(t.name(), t);
            byId.put(t.id(), t);
        }
        this.schemaVersion = schemaVersion;
        this.metadata = metadata;
    }

    /** A database with nothing to sync yet, where the driver has created nothing. */
    public static CaptureSchema none(long schemaVersion) {
        return new CaptureSchema(java.util.List.of(), schemaVersion, false);
    }

    /** Whether the driver's metadata tables (and so the site id) exist. */
    public boolean hasMetadata() {
        return metadata;
    }

    public CapturedTable table(String name) {
        return byName.get(name);
    }

    public CapturedTable table(int id) {
        return byId.get(id);
    }

    public Collection<CapturedTable> tables() {
        return byName.values();
    }

    public long schemaVersion() {
        return schemaVersion;
    }
}
