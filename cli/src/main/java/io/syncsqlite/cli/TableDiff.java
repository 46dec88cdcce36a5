package io.syncsqlite.cli;

import io.syncsqlite.capture.Sql;
import io.syncsqlite.config.SyncConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Compares the application tables of two database files, read-only: the second is attached to the first and each
 * table's rows are compared with {@code EXCEPT} in both directions, on the columns both files have (so rows compare
 * as SQLite compares values). The driver's tables and migration tools' histories (never synced) are left out.
 */
final class TableDiff {
    /** The differences of one table: rows only in either file (the first {@code limit}), and how many in all. */
    record TableDifference(String table, String problem, long onlyInFirst, long onlyInSecond, List<List<String>> firstRows,
                           List<List<String>> secondRows) {
    }

    private TableDiff() {
    }

    static List<TableDifference> compare(Path first, Path second, int limit, Set<String> excluded) throws SQLException {
        try (Connection c = open(first)) {
            try (PreparedStatement attach = c.prepareStatement("ATTACH DATABASE ? AS other")) {
                attach.setString(1, second.toAbsolutePath().toUri() + "?mode=ro");
                attach.execute();
            }
            Set<String> a = tables(c, "main");
            Set<String> b = tables(c, "other");
            List<TableDifference> out = new ArrayList<>();
            Set<String> all = new TreeSet<>(Sql.IDENTIFIER_ORDER);
            all.addAll(a);
            all.addAll(b);
            for (String t : all) {
                if (excluded.contains(t)) continue;
                if (!b.contains(t)) {
                    out.add(new TableDifference(t, "table only in " + first.getFileName(), 0, 0, List.of(), List.of()));
                } else if (!a.contains(t)) {
                    out.add(new TableDifference(t, "table only in " + second.getFileName(), 0, 0, List.of(), List.of()));
                } else {
                    TableDifference d = compareTable(c, t, first, second, limit);
                    if (d != null) out.add(d);
                }
            }
            return out;
        }
    }

    private static TableDifference compareTable(Connection c, String t, Path first, Path second, int limit) throws SQLException {
        Set<String> colsA = columns(c, "main", t);
        Set<String> colsB = columns(c, "other", t);
        Set<String> common = new TreeSet<>(Sql.IDENTIFIER_ORDER);
        common.addAll(colsA);
        common.retainAll(colsB);
        String problem = null;
        if (!colsA.equals(colsB)) {
            problem = "columns differ: " + first.getFileName() + " has " + colsA + ", " + second.getFileName() + " has " + colsB
                    + "; rows compared on " + common;
        }
        if (common.isEmpty()) return new TableDifference(t, problem, 0, 0, List.of(), List.of());
        String cols = String.join(", ", common.stream().map(Sql::quote).toList());
        String a = "SELECT " + cols + " FROM main." + Sql.quote(t);
        String b = "SELECT " + cols + " FROM other." + Sql.quote(t);
        long onlyA = count(c, a + " EXCEPT " + b);
        long onlyB = count(c, b + " EXCEPT " + a);
        if (onlyA == 0 && onlyB == 0 && problem == null) return null;
        return new TableDifference(t, problem, onlyA, onlyB, rows(c, a + " EXCEPT " + b + " ORDER BY 1 LIMIT " + limit),
                rows(c, b + " EXCEPT " + a + " ORDER BY 1 LIMIT " + limit));
    }

    private static Connection open(Path db) throws SQLException {
        ReportingCommand.existingDatabase(db);
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI); // ATTACH names the second file by a URI, to open it read-only
        return org.sqlite.JDBC.createConnection("jdbc:sqlite:" + db.toAbsolutePath(), config.toProperties());
    }

    private static Set<String> tables(Connection c, String schema) throws SQLException {
        Set<String> out = new TreeSet<>(Sql.IDENTIFIER_ORDER);
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM " + schema + ".sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (!Sql.isInternal(name) && !SyncConfig.TOOL_TABLES.contains(name.toLowerCase(Locale.ROOT))) out.add(name);
            }
        }
        return out;
    }

    private static Set<String> columns(Connection c, String schema, String table) throws SQLException {
        Set<String> out = new TreeSet<>(Sql.IDENTIFIER_ORDER);
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?, ?)")) {
            ps.setString(1, table);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long count(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + query + ")")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Rows as text: values as SQLite prints them, blobs as x'…', NULL as NULL. */
    private static List<List<String>> rows(Connection c, String query) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v == null ? "NULL" : v instanceof byte[] bytes ? "x'" + HexFormat.of().formatHex(bytes) + "'" : v.toString());
                }
                out.add(row);
            }
        }
        return out;
    }
}
