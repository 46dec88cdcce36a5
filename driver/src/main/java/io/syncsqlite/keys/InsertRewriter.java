package io.syncsqlite.keys;

import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.RowidKeySql;
import io.syncsqlite.capture.Sql;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.Values;

/**
 * Rewrites an INSERT into a table keyed by a rowid alias so that every row whose key SQLite would choose (column
 * left out, {@code NULL}, {@code DEFAULT VALUES}, rows of {@code INSERT … SELECT}) gets a {@link KeyScheme} key
 * instead. A bound parameter in the key position becomes {@code coalesce(?, key)}, so parameter positions and
 * explicit keys stay as they were. One instance per captured schema; immutable and thread-safe.
 */
final class InsertRewriter {
    private static final String PLACEHOLDER = Sql.PREFIX + "key_";
    private static final Pattern PLACEHOLDERS = Pattern.compile(PLACEHOLDER + "(\\d+|rn)_");
    private static final List<String> ROWID_NAMES = List.of("rowid", "oid", "_rowid_");
    /**
     * Where JSqlParser runs each parse (it bounds a parse with a timeout on another thread). Left to itself it makes an
     * executor per call, and 5.3's {@code parseStatements} does not shut that one down when the text does not parse:
     * each such INSERT would leave a non-daemon thread behind, and the application's JVM would never exit. These
     * threads are daemons, reused, and end when idle.
     */
    private static final ExecutorService PARSER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "syncsqlite-sql-parser");
        t.setDaemon(true);
        return t;
    });

    /** What became of a statement. */
    sealed interface Outcome {
    }

    /** Not an insert into a rowid-keyed captured table: runs as written. */
    record Untouched() implements Outcome {
    }

    /** The statement with keys supplied. */
    record Rewritten(String sql) implements Outcome {
    }

    /** An insert that may leave keys to SQLite, in a form the rewriter does not handle. */
    record Unsupported(String reason) implements Outcome {
    }

    static final Outcome UNTOUCHED = new Untouched();

    private final Map<String, CapturedTable> rowidTables = new HashMap<>();
    /** The replica's wide tag with {@code sync.keys=wide}; negative for keys of the replica's block. */
    private final long tag;
    /** The replica's coordinated block tag, 0 while it has none (then read in SQL). */
    private final int blockTag;

    InsertRewriter(CaptureSchema schema, long tag, int blockTag) {
        this.blockTag = blockTag;
        for (CapturedTable t : schema.tables()) if (t.rowidKey()) rowidTables.put(t.name().toLowerCase(Locale.ROOT), t);
        this.tag = tag;
    }

    /** Whether any captured table could need keys; if not, no INSERT needs parsing. */
    boolean hasRowidTables() {
        return !rowidTables.isEmpty();
    }

    /** Whether the text mentions a rowid-keyed table at all: a substring test that spares parsing most other inserts. */
    boolean mayTarget(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        for (String name : rowidTables.keySet()) if (lower.contains(name)) return true;
        return false;
    }

    Outcome rewrite(InsertText text) {
        Insert insert = parse(text);
        if (insert == null) {
            // a name JSqlParser takes for one of its keywords: the same statement with the names quoted
            InsertText quoted = text.withNamesQuoted();
            insert = quoted == null ? null : parse(quoted);
            if (insert == null) return new Unsupported("JSqlParser does not read it as one INSERT statement");
            text = quoted;
        }
        CapturedTable table = target(insert.getTable());
        if (table == null) return UNTOUCHED;
        if (insert.isUseSet() || insert.isUseDuplicate() || insert.getOutputClause() != null) {
            return new Unsupported("INSERT … SET/ON DUPLICATE/OUTPUT form");
        }
        Outcome outcome = supplyKeys(insert, table);
        if (!(outcome instanceof Rewritten r)) return outcome;
        return new Rewritten(text.withAction(expandPlaceholders(r.sql(), table)));
    }

    /** The single INSERT statement {@code text} holds, or {@code null} when JSqlParser does not read it as one. */
    private static Insert parse(InsertText text) {
        try {
            Statements parsed = CCJSqlParserUtil.parseStatements(text.body(), PARSER, null);
            return parsed.size() == 1 && parsed.get(0) instanceof Insert i ? i : null;
        } catch (JSQLParserException | RuntimeException e) {
            return null;
        }
    }

    private Outcome supplyKeys(Insert insert, CapturedTable table) {
        ExpressionList<Column> columns = insert.getColumns();
        String key = table.primaryKey().get(0);
        if (insert.isOnlyDefaultValues()) {
            insert.setOnlyDefaultValues(false);
            insert.setColumns(new ExpressionList<>(new Column(Sql.quote(key))));
            insert.setSelect(new Values(new ParenthesedExpressionList<>(placeholder(0))));
            return new Rewritten(insert.toString());
        }
        int width = columns == null ? table.storedColumnCount() : columns.size();
        int keyAt = columns == null ? table.rowidKeyPosition() : keyIndex(columns, table);
        Select select = insert.getSelect();
        if (select instanceof Values values) {
            List<ExpressionList<Expression>> rows = rows(values);
            if (rows == null) return new Unsupported("a VALUES row is not a parenthesised list");
            for (ExpressionList<Expression> row : rows) if (row.size() != width) return new Unsupported("a VALUES row has the wrong number of values");
            if (keyAt < 0) columns.add(new Column(Sql.quote(key)));
            for (int r = 0; r < rows.size(); r++) {
                ExpressionList<Expression> row = rows.get(r);
                if (keyAt < 0) row.add(placeholder(r));
                else row.set(keyAt, orKey(row.get(keyAt), placeholder(r)));
            }
            return new Rewritten(insert.toString());
        }
        if (select == null) return new Unsupported("no VALUES or SELECT");
        // INSERT … SELECT: number the selected rows; the selected columns get names through a zero-row first arm
        StringBuilder names = new StringBuilder();
        StringBuilder outer = new StringBuilder();
        for (int i = 0; i < width; i++) {
            String c = Sql.quote(PLACEHOLDER + "c" + i);
            names.append(i == 0 ? "" : ", ").append("NULL AS ").append(c);
            outer.append(i == 0 ? "" : ", ").append(i == keyAt ? "coalesce(" + c + ", " + PLACEHOLDER + "rn_)" : c);
        }
        if (keyAt < 0) {
            columns.add(new Column(Sql.quote(key)));
            outer.append(", ").append(PLACEHOLDER).append("rn_");
        }
        String wrapped = "SELECT " + outer + " FROM (SELECT " + names + " WHERE 0 UNION ALL SELECT * FROM (" + select + "))"
                + " WHERE true"; // WHERE keeps a following ON CONFLICT from being read as a join constraint
        try {
            insert.setSelect((Select) CCJSqlParserUtil.parse(wrapped, PARSER, null));
        } catch (JSQLParserException | RuntimeException e) {
            return new Unsupported("JSqlParser cannot re-read the wrapped SELECT");
        }
        return new Rewritten(insert.toString());
    }

    /** The rows of a VALUES clause, or {@code null} when one is not a parenthesised list. */
    @SuppressWarnings("unchecked")
    private static List<ExpressionList<Expression>> rows(Values values) {
        ExpressionList<?> all = values.getExpressions();
        if (all instanceof ParenthesedExpressionList<?>) return List.of((ExpressionList<Expression>) all);
        List<ExpressionList<Expression>> rows = new ArrayList<>();
        for (Object row : all) {
            if (!(row instanceof ParenthesedExpressionList<?> list)) return null;
            rows.add((ExpressionList<Expression>) list);
        }
        return rows;
    }

    /** A NULL key becomes a new key; anything else (a parameter, an expression) keeps its value unless it is NULL. */
    private static Expression orKey(Expression given, Expression newKey) {
        if (given instanceof NullValue) return newKey;
        Function coalesce = new Function();
        coalesce.setName("coalesce");
        coalesce.setParameters(new ExpressionList<>(given, newKey));
        return coalesce;
    }

    private static Column placeholder(int row) {
        return new Column(PLACEHOLDER + row + "_");
    }

    private String expandPlaceholders(String sql, CapturedTable table) {
        Matcher m = PLACEHOLDERS.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String offset = m.group(1).equals("rn") ? "(row_number() OVER () - 1)" : m.group(1);
            String key = tag < 0 ? RowidKeySql.newKey(table, offset, blockTag) : RowidKeySql.newWideKey(table, Long.toString(tag), offset);
            m.appendReplacement(out, Matcher.quoteReplacement(key));
        }
        return m.appendTail(out).toString();
    }

    private CapturedTable target(Table t) {
        String schema = t.getSchemaName();
        if (schema != null && !unquote(schema).equalsIgnoreCase("main")) return null;
        return rowidTables.get(unquote(t.getName()).toLowerCase(Locale.ROOT));
    }

    private static int keyIndex(ExpressionList<Column> columns, CapturedTable table) {
        String key = table.primaryKey().get(0);
        for (int i = 0; i < columns.size(); i++) {
            String name = unquote(columns.get(i).getColumnName());
            if (name.equalsIgnoreCase(key)) return i;
            if (ROWID_NAMES.contains(name.toLowerCase(Locale.ROOT)) && table.column(name) == null) return i;
        }
        return -1;
    }

    static String unquote(String identifier) {
        if (identifier.length() >= 2) {
            char first = identifier.charAt(0);
            char last = identifier.charAt(identifier.length() - 1);
            if ((first == '"' && last == '"') || (first == '`' && last == '`')) {
                return identifier.substring(1, identifier.length() - 1).replace(String.valueOf(first) + first, String.valueOf(first));
            }
            if (first == '[' && last == ']') return identifier.substring(1, identifier.length() - 1);
        }
        return identifier;
    }
}
