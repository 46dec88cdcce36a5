package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.change.SqliteValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The UNIQUE indexes of a synced table as SQLite enforces them, read from the LOCAL schema only ({@code pragma
 * index_list}, {@code pragma index_xinfo} and the index's own {@code CREATE INDEX} text in {@code sqlite_master}):
 * columns and expressions with the collation each compares by, and a partial index's {@code WHERE}. Lookups evaluate
 * exactly those terms, so a row collides here exactly when SQLite would refuse it: a soft-deleted row outside a partial
 * index collides with nothing, {@code lower(email)} collides across spellings, a composite key only as a whole.
 */
final class UniqueIndexes {
    /** Name of the one-row table the incoming values are given as, unlike any user table (the prefix is reserved). */
    private static final String INCOMING = Sql.PREFIX + "incoming";

    /**
     * One UNIQUE index.
     *
     * @param name    the index name
     * @param terms   the key terms
     * @param where   a partial index's condition, or {@code null}
     * @param columns the value columns (positions in {@link CapturedTable#columns()}) the terms or the condition read
     */
    record Index(String name, List<Term> terms, String where, BitSet columns) {
    }

    /** One key term: a column or expression as SQL over the table's columns, and the collation it compares by. */
    record Term(String sql, String collation) {
    }

    private final Map<Integer, List<Index>> byTable = new HashMap<>();
    private final Map<Integer, Object[]> asideKinds = new HashMap<>();
    private long schemaVersion = Long.MIN_VALUE;

    /** Forgets what was read when the schema changed. */
    void useSchema(long version) {
        if (version != schemaVersion) {
            byTable.clear();
            asideKinds.clear();
            schemaVersion = version;
        }
    }

    /** The UNIQUE indexes of {@code t} other than its primary key. */
    List<Index> of(Connection c, CapturedTable t) throws SQLException {
        List<Index> known = byTable.get(t.id());
        if (known == null) {
            known = read(c, t);
            byTable.put(t.id(), known);
        }
        return known;
    }

    /** The value columns of {@code t} some UNIQUE index reads. */
    BitSet indexed(Connection c, CapturedTable t) throws SQLException {
        BitSet all = new BitSet();
        for (Index i : of(c, t)) all.or(i.columns());
        return all;
    }

    /**
     * A value for column {@code i} of {@code t} that no UNIQUE index can find twice while rows move through it: NULL
     * where the column takes NULL (NULLs never collide), else a value of the column's declared type no application
     * writes, numbered by {@code n}.
     */
    Object aside(Connection c, CapturedTable t, int i, long n) throws SQLException {
        Object[] kinds = asideKinds.get(t.id());
        if (kinds == null) {
            kinds = new Object[t.columns().size()];
            try (PreparedStatement ps = c.prepareStatement("SELECT name, type, \"notnull\" FROM pragma_table_info(?)")) {
                ps.setString(1, t.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int at = t.indexOf(rs.getString(1));
                        if (at >= 0) kinds[at] = rs.getInt(3) == 0 ? NULLABLE : affinity(rs.getString(2));
                    }
                }
            }
            asideKinds.put(t.id(), kinds);
        }
        Object kind = kinds[i];
        if (kind == NULLABLE) return null;
        String text = "\u0001syncsqlite-aside-" + n;
        if (kind == Long.class) return Long.MIN_VALUE + n;
        if (kind == Double.class) return -1.0e300 - n * 1.0e285;
        if (kind == byte[].class) return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return text;
    }

    private static final Object NULLABLE = new Object();

    /** SQLite's affinity rules for a declared type, as the Java class of the value an aside takes. */
    private static Object affinity(String declared) {
        String type = declared == null ? "" : declared.toUpperCase(java.util.Locale.ROOT);
        if (type.contains("INT")) return Long.class;
        if (type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT")) return String.class;
        if (type.contains("BLOB")) return byte[].class;
        if (type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB")) return Double.class;
        return type.isEmpty() || type.equals("ANY") ? String.class : Long.class;
    }

    /**
     * The key of a row other than {@code pk} that holds, under {@code index}, what the row {@code pk} would hold with
     * {@code values} (every value column, in column order): the row SQLite would refuse it for; {@code null} if none.
     */
    static List<Object> holder(Connection c, CapturedTable t, Index index, List<Object> pk, Object[] values) throws SQLException {
        StringBuilder names = new StringBuilder();
        for (String k : t.primaryKey()) names.append(names.length() == 0 ? "" : ", ").append(Sql.quote(k));
        for (CapturedTable.Slot s : t.columns()) names.append(", ").append(Sql.quote(s.name()));
        int width = t.primaryKey().size() + t.columns().size();
        StringBuilder sql = new StringBuilder("WITH ").append(INCOMING).append('(').append(names).append(") AS (VALUES (?")
                .append(", ?".repeat(width - 1)).append(")) SELECT ");
        for (int i = 0; i < t.primaryKey().size(); i++) sql.append(i == 0 ? "" : ", ").append(Sql.quote(t.primaryKey().get(i)));
        sql.append(" FROM ").append(Sql.quote(t.name())).append(" WHERE ");
        // an unqualified name resolves to the innermost table: the stored row outside, the incoming one in the subquery
        for (Term term : index.terms()) {
            sql.append('(').append(term.sql()).append(") = (SELECT ").append(term.sql()).append(" FROM ").append(INCOMING).append(')');
            if (term.collation() != null) sql.append(" COLLATE ").append(Sql.quote(term.collation()));
            sql.append(" AND ");
        }
        if (index.where() != null) {
            sql.append('(').append(index.where()).append(") AND (SELECT (").append(index.where()).append(") FROM ").append(INCOMING).append(") AND ");
        }
        sql.append("NOT (");
        for (int i = 0; i < t.primaryKey().size(); i++) sql.append(i == 0 ? "" : " AND ").append(Sql.quote(t.primaryKey().get(i))).append(" IS ?");
        sql.append(") LIMIT 1");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = RowWriter.bindKey(ps, pk, 1);
            for (Object v : values) SqliteValues.bind(ps, p++, v);
            RowWriter.bindKey(ps, pk, p);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                List<Object> out = new ArrayList<>();
                for (int i = 1; i <= t.primaryKey().size(); i++) out.add(SqliteValues.read(rs, i));
                return out;
            }
        }
    }

    private static List<Index> read(Connection c, CapturedTable t) throws SQLException {
        record Listed(String name, boolean partial) {
        }
        List<Listed> listed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, partial FROM pragma_index_list(?) WHERE \"unique\" = 1 AND origin <> 'pk' ORDER BY name")) {
            ps.setString(1, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) listed.add(new Listed(rs.getString(1), rs.getInt(2) == 1));
            }
        }
        List<Index> out = new ArrayList<>();
        for (Listed l : listed) {
            Index i = index(c, t, l.name(), l.partial());
            if (i != null) out.add(i);
        }
        return List.copyOf(out);
    }

    /** One index, or {@code null} when its definition cannot be read back (then it is left to SQLite's own error). */
    private static Index index(Connection c, CapturedTable t, String name, boolean partial) throws SQLException {
        List<String> terms = new ArrayList<>();
        List<String> collations = new ArrayList<>();
        boolean expressions = false;
        BitSet columns = new BitSet();
        try (PreparedStatement ps = c.prepareStatement("SELECT cid, name, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int cid = rs.getInt(1);
                    String column = rs.getString(2);
                    collations.add(rs.getString(3));
                    if (cid == -2 || column == null) {
                        expressions = true;
                        terms.add(null);
                    } else {
                        terms.add(Sql.quote(column));
                        int i = t.indexOf(column);
                        if (i >= 0) columns.set(i);
                    }
                }
            }
        }
        String where = null;
        if (expressions || partial) {
            IndexSql parsed = IndexSql.parse(definition(c, name));
            if (parsed == null || parsed.terms().size() != terms.size() || (partial && parsed.where() == null)) return null;
            for (int i = 0; i < terms.size(); i++) {
                if (terms.get(i) == null) terms.set(i, parsed.terms().get(i));
            }
            where = partial ? parsed.where() : null;
            for (String identifier : parsed.identifiers()) {
                int i = t.indexOf(identifier);
                if (i >= 0) columns.set(i);
            }
        }
        List<Term> out = new ArrayList<>(terms.size());
        for (int i = 0; i < terms.size(); i++) out.add(new Term(terms.get(i), collations.get(i)));
        return new Index(name, List.copyOf(out), where, columns);
    }

    private static String definition(Connection c, String index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")) {
            ps.setString(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
