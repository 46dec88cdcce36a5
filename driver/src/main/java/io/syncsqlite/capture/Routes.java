package io.syncsqlite.capture;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a peer's names lead on this replica after local schema changes: a former table or column name (renamed here)
 * leads to the current one; a table or column dropped here is known as dropped, so its late changes are archived
 * instead of waiting forever.
 */
final class Routes {
    static final Routes NONE = new Routes(Map.of(), Set.of(), Map.of(), Map.of());

    private final Map<String, String> tableAliases;
    private final Set<String> droppedTables;
    private final Map<String, Map<String, String>> columnAliases;
    private final Map<String, Set<String>> droppedColumns;

    private Routes(Map<String, String> tableAliases, Set<String> droppedTables, Map<String, Map<String, String>> columnAliases,
                   Map<String, Set<String>> droppedColumns) {
        this.tableAliases = tableAliases;
        this.droppedTables = droppedTables;
        this.columnAliases = columnAliases;
        this.droppedColumns = droppedColumns;
    }

    /** Built after reconciling: {@code captured} are the live tables with their present columns. */
    static Routes of(Registry registry, Iterable<CapturedTable> captured) {
        Map<Integer, String> liveNames = new HashMap<>();
        for (Registry.Registered reg : registry.live.values()) liveNames.put(reg.id, reg.name);
        Map<String, String> tables = new TreeMap<>(Sql.IDENTIFIER_ORDER);
        for (Map.Entry<String, Integer> e : registry.tableAliases.entrySet()) {
            String now = liveNames.get(e.getValue());
            if (now != null && !registry.live.containsKey(e.getKey())) tables.put(e.getKey(), now);
        }
        Set<String> dropped = new TreeSet<>(Sql.IDENTIFIER_ORDER);
        for (Registry.Registered reg : registry.dropped.values()) {
            for (String name : registry.names(reg)) if (!registry.live.containsKey(name) && !tables.containsKey(name)) dropped.add(name);
        }
        Map<String, Map<String, String>> columns = new TreeMap<>(Sql.IDENTIFIER_ORDER);
        Map<String, Set<String>> droppedColumns = new TreeMap<>(Sql.IDENTIFIER_ORDER);
        for (CapturedTable t : captured) {
            Map<Integer, String> bySlot = new HashMap<>();
            for (CapturedTable.Slot s : t.columns()) bySlot.put(s.slot(), s.name());
            Map<String, String> aliases = new TreeMap<>(Sql.IDENTIFIER_ORDER);
            for (Map.Entry<String, Integer> e : registry.columnAliases.getOrDefault(t.id(), Map.of()).entrySet()) {
                String now = bySlot.get(e.getValue());
                if (now != null && t.column(e.getKey()) == null) aliases.put(e.getKey(), now);
            }
            if (!aliases.isEmpty()) columns.put(t.name(), aliases);
            Registry.Registered reg = registry.live.get(t.name());
            Set<String> gone = new TreeSet<>(Sql.IDENTIFIER_ORDER);
            if (reg != null) for (String col : reg.slots.keySet()) if (t.column(col) == null) gone.add(col);
            for (Map.Entry<String, Integer> e : registry.columnAliases.getOrDefault(t.id(), Map.of()).entrySet()) {
                if (!bySlot.containsKey(e.getValue()) && t.column(e.getKey()) == null) gone.add(e.getKey());
            }
            if (!gone.isEmpty()) droppedColumns.put(t.name(), gone);
        }
        return new Routes(tables, dropped, columns, droppedColumns);
    }

    String table(String name) {
        return tableAliases.get(name);
    }

    boolean tableDropped(String name) {
        return droppedTables.contains(name);
    }

    String column(String table, String name) {
        return columnAliases.getOrDefault(table, Map.of()).get(name);
    }

    boolean columnDropped(String table, String name) {
        return droppedColumns.getOrDefault(table, Set.of()).contains(name);
    }
}
