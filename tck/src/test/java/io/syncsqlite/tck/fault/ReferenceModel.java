package io.syncsqlite.tck.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * What every replica must hold after healing, computed from the committed operations alone. Each row belongs to the
 * process that inserted it, and only that process (through the driver or a plain {@code jdbc:sqlite:} connection)
 * changes it, so its final state is that process's committed operations in order, whatever the sync order was.
 */
final class ReferenceModel {
    /** table → id → row text ({@code name|n}). */
    private final Map<String, TreeMap<String, String>> tables = new TreeMap<>();

    /** One write: the SQL a process runs and its effect on the model once committed. */
    record Op(String sql, String table, String id, String row) {
        void applyTo(ReferenceModel m) {
            TreeMap<String, String> t = m.tables.computeIfAbsent(table, k -> new TreeMap<>());
            if (row == null) t.remove(id);
            else t.put(id, row);
        }
    }

    /** A random write by {@code owner} to one of its own rows (a new one, or one it wrote before). */
    Op randomOp(Random random, String owner, String table, int counter) {
        List<String> own = new ArrayList<>();
        for (String id : tables.getOrDefault(table, new TreeMap<>()).keySet()) if (id.startsWith(owner + "-")) own.add(id);
        int kind = own.isEmpty() ? 0 : random.nextInt(10);
        String name = "v" + random.nextInt(1000);
        long n = random.nextInt(100_000);
        if (kind < 5) {
            String id = owner + "-" + counter;
            return new Op("INSERT INTO " + table + "(id, name, n) VALUES ('" + id + "', '" + name + "', " + n + ")", table, id, name + "|" + n);
        }
        String id = own.get(random.nextInt(own.size()));
        if (kind < 9) {
            String old = tables.get(table).get(id);
            String row = kind < 7 ? name + "|" + old.substring(old.indexOf('|') + 1) : old.substring(0, old.indexOf('|')) + "|" + n;
            String set = kind < 7 ? "name = '" + name + "'" : "n = " + n;
            return new Op("UPDATE " + table + " SET " + set + " WHERE id = '" + id + "'", table, id, row);
        }
        return new Op("DELETE FROM " + table + " WHERE id = '" + id + "'", table, id, null);
    }

    ReferenceModel copy() {
        ReferenceModel m = new ReferenceModel();
        tables.forEach((t, rows) -> m.tables.put(t, new TreeMap<>(rows)));
        return m;
    }

    /** The expected content of {@code table}, one {@code id|name|n} line per row in id order. */
    String dump(String table) {
        StringBuilder b = new StringBuilder();
        tables.getOrDefault(table, new TreeMap<>()).forEach((id, row) -> b.append(id).append('|').append(row).append('\n'));
        return b.toString();
    }
}
