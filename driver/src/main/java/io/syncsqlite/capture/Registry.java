package io.syncsqlite.capture;

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
import java.util.TreeMap;

/**
 * The driver's record of every table it ever captured: live tables by name, dropped ones by id (kept so their late
 * changes are archived, and so a rebuild can adopt them), and the former names of renamed tables and columns. A
 * table's id, and with it its version table and outbox entries, follows the table through renames and rebuilds.
 */
final class Registry {
    final Map<String, Registered> live = new TreeMap<>(Sql.IDENTIFIER_ORDER); // a rename that only changes case keeps its versions
    final Map<Integer, Registered> dropped = new LinkedHashMap<>();
    /** Former table name to the id it now belongs to. */
    final Map<String, Integer> tableAliases = new TreeMap<>(Sql.IDENTIFIER_ORDER);
    /** Per table id: former column name to its version slot. */
    final Map<Integer, Map<String, Integer>> columnAliases = new HashMap<>();

    /** A registered table: its id, key and the version slot of every value column it ever had, by current name. */
    static final class Registered {
        final int id;
        String name;
        final Map<String, Integer> slots = new TreeMap<>(Sql.IDENTIFIER_ORDER);
        List<String> primaryKey = List.of();

        Registered(int id, String name) {
            this.id = id;
            this.name = name;
        }

        String versionTable() {
            return Sql.PREFIX + "v" + id;
        }
    }

    static Registry load(Connection c) throws SQLException {
        Registry r = new Registry();
        Map<Integer, Registered> byId = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name, 0 FROM " + MetaTables.TABLES
                + " UNION ALL SELECT id, name, 1 FROM " + MetaTables.DROPPED + " ORDER BY id")) {
            while (rs.next()) {
                Registered reg = new Registered(rs.getInt(1), rs.getString(2));
                byId.put(reg.id, reg);
                if (rs.getInt(3) == 0) r.live.put(reg.name, reg);
                else r.dropped.put(reg.id, reg);
            }
        }
        Map<Integer, TreeMap<Integer, String>> keys = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tbl, name, key_pos, slot FROM " + MetaTables.COLUMNS + " ORDER BY tbl, slot")) {
            while (rs.next()) {
                Registered reg = byId.get(rs.getInt(1));
                if (reg == null) continue;
                int keyPos = rs.getInt(3);
                if (!rs.wasNull()) keys.computeIfAbsent(reg.id, k -> new TreeMap<>()).put(keyPos, rs.getString(2));
                else reg.slots.put(rs.getString(2), rs.getInt(4));
            }
        }
        for (Registered reg : byId.values()) reg.primaryKey = new ArrayList<>(keys.getOrDefault(reg.id, new TreeMap<>()).values());
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, tbl FROM " + MetaTables.TABLE_ALIASES)) {
            while (rs.next()) r.tableAliases.put(rs.getString(1), rs.getInt(2));
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tbl, name, slot FROM " + MetaTables.COLUMN_ALIASES)) {
            while (rs.next()) r.columnAliases.computeIfAbsent(rs.getInt(1), k -> new TreeMap<>(Sql.IDENTIFIER_ORDER)).put(rs.getString(2), rs.getInt(3));
        }
        return r;
    }

    /** Every name {@code reg} was known by: its current one and the former names that still lead to it. */
    List<String> names(Registered reg) {
        List<String> out = new ArrayList<>(List.of(reg.name));
        for (Map.Entry<String, Integer> e : tableAliases.entrySet()) if (e.getValue() == reg.id && !out.contains(e.getKey())) out.add(e.getKey());
        return out;
    }

    /** The table was renamed (SQLite moved our triggers with it): same id, new name, the old name kept as an alias. */
    void renameTable(Connection c, Registered reg, String newName) throws SQLException {
        live.remove(reg.name);
        update(c, "INSERT INTO " + MetaTables.TABLE_ALIASES + "(name, tbl) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET tbl = excluded.tbl", reg.name, reg.id);
        update(c, "DELETE FROM " + MetaTables.TABLE_ALIASES + " WHERE name = ?", newName);
        update(c, "UPDATE " + MetaTables.TABLES + " SET name = ? WHERE id = ?", newName, reg.id);
        tableAliases.put(reg.name, reg.id);
        tableAliases.remove(newName);
        reg.name = newName;
        live.put(newName, reg);
    }

    /** A value column was renamed: its slot (and so its history) stays, the old name is kept as an alias. */
    void renameColumn(Connection c, Registered reg, String oldName, String newName) throws SQLException {
        int slot = reg.slots.remove(oldName);
        reg.slots.put(newName, slot);
        update(c, "UPDATE " + MetaTables.COLUMNS + " SET name = ? WHERE tbl = ? AND name = ?", newName, reg.id, oldName);
        update(c, "INSERT INTO " + MetaTables.COLUMN_ALIASES + "(tbl, name, slot) VALUES (?, ?, ?) ON CONFLICT(tbl, name) DO UPDATE SET slot = excluded.slot",
                reg.id, oldName, slot);
        update(c, "DELETE FROM " + MetaTables.COLUMN_ALIASES + " WHERE tbl = ? AND name = ?", reg.id, newName);
        Map<String, Integer> aliases = columnAliases.computeIfAbsent(reg.id, k -> new TreeMap<>(Sql.IDENTIFIER_ORDER));
        aliases.put(oldName, slot);
        aliases.remove(newName);
    }

    /** The table is gone: its registration moves to the dropped list (versions and outbox entries stay for now). */
    void retire(Connection c, Registered reg) throws SQLException {
        live.remove(reg.name);
        update(c, "DELETE FROM " + MetaTables.TABLES + " WHERE id = ?", reg.id);
        update(c, "INSERT INTO " + MetaTables.DROPPED + "(id, name) VALUES (?, ?)", reg.id, reg.name);
        dropped.put(reg.id, reg);
    }

    /** A dropped registration comes back as the live table {@code name} (a rebuild adopted it). */
    void revive(Connection c, Registered reg, String name) throws SQLException {
        dropped.remove(reg.id);
        update(c, "DELETE FROM " + MetaTables.DROPPED + " WHERE id = ?", reg.id);
        update(c, "INSERT INTO " + MetaTables.TABLES + "(id, name) VALUES (?, ?)", reg.id, name);
        update(c, "DELETE FROM " + MetaTables.TABLE_ALIASES + " WHERE name = ?", name);
        tableAliases.remove(name);
        if (!reg.name.equals(name)) {
            update(c, "INSERT INTO " + MetaTables.TABLE_ALIASES + "(name, tbl) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET tbl = excluded.tbl", reg.name, reg.id);
            tableAliases.put(reg.name, reg.id);
        }
        reg.name = name;
        live.put(name, reg);
    }

    /** Removes every trace of a registration (a table a rebuild replaced by an adopted one, or a changed key). */
    void forget(Connection c, Registered reg) throws SQLException {
        live.remove(reg.name);
        dropped.remove(reg.id);
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + Sql.quote(reg.versionTable()));
            for (String t : List.of(MetaTables.OUTBOX, MetaTables.COLUMNS, MetaTables.TABLE_ALIASES, MetaTables.COLUMN_ALIASES)) {
                s.execute("DELETE FROM " + t + " WHERE tbl = " + reg.id);
            }
            s.execute("DELETE FROM " + MetaTables.TABLES + " WHERE id = " + reg.id);
            s.execute("DELETE FROM " + MetaTables.DROPPED + " WHERE id = " + reg.id);
        }
        tableAliases.values().removeIf(id -> id == reg.id);
        columnAliases.remove(reg.id);
    }

    static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }
}
