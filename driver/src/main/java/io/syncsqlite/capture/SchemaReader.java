package io.syncsqlite.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the user tables of the main schema: ordinary tables only (no views, virtual or shadow tables, none of ours). */
public final class SchemaReader {
    private SchemaReader() {
    }

    public static long schemaVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA schema_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static Map<String, TableSchema> userTables(Connection c) throws SQLException {
        Map<String, Boolean> names = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' ORDER BY name")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (!Sql.isInternal(name) && !name.startsWith("sqlite_")) names.put(name, rs.getInt(2) != 0);
            }
        }
        Map<String, TableSchema> tables = new LinkedHashMap<>();
        for (Map.Entry<String, Boolean> e : names.entrySet()) tables.put(e.getKey(), read(c, e.getKey(), e.getValue()));
        return tables;
    }

    /**
     * The collation of each key column, as its version-table column must compare: {@code NOCASE} or {@code RTRIM}, else
     * {@code null} (BINARY). A custom collation is left out: the driver's own connections may not have it registered.
     */
    static List<String> keyCollations(Connection c, String table, List<String> primaryKey) throws SQLException {
        java.util.Map<String, String> byColumn = new java.util.HashMap<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT x.name, x.coll FROM pragma_index_list(?1) l, pragma_index_xinfo(l.name) x"
                + " WHERE l.origin = 'pk' AND x.key = 1 AND x.name IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) byColumn.put(rs.getString(1), rs.getString(2));
            }
        }
        List<String> out = new ArrayList<>();
        for (String k : primaryKey) {
            String coll = byColumn.get(k);
            out.add(coll != null && (coll.equalsIgnoreCase("NOCASE") || coll.equalsIgnoreCase("RTRIM")) ? coll.toUpperCase(java.util.Locale.ROOT) : null);
        }
        return out;
    }

    /**
     * The column sets of {@code table}'s UNIQUE constraints and unique indexes other than its primary key (partial and
     * expression indexes left out): what {@code INSERT OR REPLACE} may delete other rows for.
     */
    static List<List<String>> uniqueKeys(Connection c, String table) throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_index_list(?) WHERE \"unique\" AND origin <> 'pk' AND NOT partial ORDER BY name")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) indexes.add(rs.getString(1));
            }
        }
        List<List<String>> out = new ArrayList<>();
        for (String index : indexes) {
            List<String> cols = new ArrayList<>();
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_index_info(?) ORDER BY seqno")) {
                ps.setString(1, index);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) cols.add(rs.getString(1));
                }
            }
            if (!cols.isEmpty() && !cols.contains(null)) out.add(cols);
        }
        return out;
    }

    /** The columns of any table (ours included), in declaration order. */
    static List<String> columns(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_xinfo(?) ORDER BY cid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static TableSchema read(Connection c, String table, boolean withoutRowid) throws SQLException {
        List<String> columns = new ArrayList<>();
        TreeMap<Integer, String> pk = new TreeMap<>();
        String keyType = null;
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT name, pk, hidden, type FROM pragma_table_xinfo(?) ORDER BY cid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getInt(3) != 0) continue; // generated or hidden columns are computed, never synced
                    columns.add(rs.getString(1));
                    if (rs.getInt(2) > 0) {
                        pk.put(rs.getInt(2), rs.getString(1));
                        keyType = rs.getString(4);
                    }
                }
            }
        }
        // SQLite makes exactly the declared type "INTEGER" (any case) of a lone key an alias of the rowid
        boolean rowidKey = !withoutRowid && pk.size() == 1 && "INTEGER".equalsIgnoreCase(keyType);
        return new TableSchema(table, columns, new ArrayList<>(pk.values()), rowidKey);
    }
}
