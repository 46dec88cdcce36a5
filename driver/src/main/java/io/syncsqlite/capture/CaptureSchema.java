package io.syncsqlite.capture;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The captured tables of one database, as instrumented at a given {@code schema_version}. */
public final class CaptureSchema {
    private final Map<String, CapturedTable> byName = new HashMap<>();
    private final Map<Integer, CapturedTable> byId = new HashMap<>();
    private final long schemaVersion;

    public CaptureSchema(Collection<CapturedTable> tables, long schemaVersion) {
        for (CapturedTable t : tables) {
            byName.put(t.name(), t);
            byId.put(t.id(), t);
        }
        this.schemaVersion = schemaVersion;
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
