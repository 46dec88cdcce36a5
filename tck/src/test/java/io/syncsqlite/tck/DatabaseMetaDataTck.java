package io.syncsqlite.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link DatabaseMetaData}: every no-argument method (reflection, so none is forgotten), the capability probes, and
 * the catalog queries over an application schema with keys, foreign keys, indexes and views. The driver's own
 * {@code _syncsqlite_} tables must not show up anywhere.
 */
class DatabaseMetaDataTck extends TckSuite {
    static final String[] SCHEMA = {
        "CREATE TABLE author(id TEXT PRIMARY KEY, name TEXT NOT NULL, born INTEGER)",
        "CREATE TABLE book(id INTEGER PRIMARY KEY AUTOINCREMENT, author TEXT NOT NULL REFERENCES author(id) ON DELETE CASCADE,"
                + " title VARCHAR(200) NOT NULL DEFAULT 'untitled', price DECIMAL(10,2), cover BLOB, UNIQUE (author, title))",
        "CREATE TABLE tag(book INTEGER, label TEXT, PRIMARY KEY (book, label), FOREIGN KEY (book) REFERENCES book(id))",
        "CREATE INDEX book_price ON book(price DESC)",
        "CREATE VIEW cheap AS SELECT title FROM book WHERE price < 10",
        "CREATE TABLE plain(a, b)",
    };

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Method[] methods = DatabaseMetaData.class.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            if (m.getParameterCount() != 0 || m.getDeclaringClass() != DatabaseMetaData.class) continue;
            cases.add(Case.of(m.getName() + "()", (c, t) -> {
                exec(c, SCHEMA);
                DatabaseMetaData md = c.getMetaData();
                Object v = t.add(m.getName(), () -> invoke(m, md));
                if (v instanceof ResultSet rs) t.rows(m.getName() + " rows", rs);
            }));
        }
        for (int type : new int[] {ResultSet.TYPE_FORWARD_ONLY, ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.TYPE_SCROLL_SENSITIVE}) {
            cases.add(Case.of("result set type " + type + " probes", (c, t) -> {
                DatabaseMetaData md = c.getMetaData();
                t.add("supportsResultSetType", () -> md.supportsResultSetType(type));
                t.add("supportsResultSetConcurrency RO", () -> md.supportsResultSetConcurrency(type, ResultSet.CONCUR_READ_ONLY));
                t.add("supportsResultSetConcurrency UPD", () -> md.supportsResultSetConcurrency(type, ResultSet.CONCUR_UPDATABLE));
                t.add("ownUpdatesAreVisible", () -> md.ownUpdatesAreVisible(type));
                t.add("othersDeletesAreVisible", () -> md.othersDeletesAreVisible(type));
                t.add("insertsAreDetected", () -> md.insertsAreDetected(type));
                t.add("updatesAreDetected", () -> md.updatesAreDetected(type));
            }));
        }
        for (int level = 0; level <= 8; level++) {
            int l = level;
            cases.add(Case.of("supportsTransactionIsolationLevel(" + l + ")", (c, t) -> t.add("supports", () -> c.getMetaData().supportsTransactionIsolationLevel(l))));
        }
        cases.add(Case.of("supportsConvert and holdability probes", (c, t) -> {
            DatabaseMetaData md = c.getMetaData();
            t.add("convert INTEGER->VARCHAR", () -> md.supportsConvert(java.sql.Types.INTEGER, java.sql.Types.VARCHAR));
            t.add("hold", () -> md.supportsResultSetHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT));
            t.add("close", () -> md.supportsResultSetHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT));
        }));
        String[][] tablePatterns = {{null, null}, {"%", null}, {"book", null}, {"b%", null}, {"%", "TABLE"}, {"%", "VIEW"}, {"%", "SYSTEM TABLE"},
            {"_syncsqlite%", null}, {"\\_syncsqlite\\_%", null}, {"%outbox%", null}, {"%", "GLOBAL TEMPORARY"}, {"nope", null}};
        for (String[] p : tablePatterns) {
            cases.add(Case.of("getTables(" + p[0] + ", " + p[1] + ")", (c, t) -> {
                exec(c, SCHEMA);
                t.rows("tables", c.getMetaData().getTables(null, null, p[0], p[1] == null ? null : new String[] {p[1]}));
            }));
        }
        for (String table : new String[] {"author", "book", "tag", "cheap", "plain", "%", "_syncsqlite_outbox", "_syncsqlite_v1", null}) {
            cases.add(Case.of("getColumns(" + table + ")", (c, t) -> {
                exec(c, SCHEMA);
                t.rows("columns", c.getMetaData().getColumns(null, null, table, null));
            }));
            cases.add(Case.of("getColumns(" + table + ", t%)", (c, t) -> {
                exec(c, SCHEMA);
                t.rows("columns", c.getMetaData().getColumns(null, null, table, "t%"));
            }));
            cases.add(Case.of("keys and indexes of " + table, (c, t) -> {
                exec(c, SCHEMA);
                DatabaseMetaData md = c.getMetaData();
                t.add("primary", () -> md.getPrimaryKeys(null, null, table));
                t.add("imported", () -> md.getImportedKeys(null, null, table));
                t.add("exported", () -> md.getExportedKeys(null, null, table));
                t.add("index", () -> md.getIndexInfo(null, null, table, false, false));
                t.add("unique index", () -> md.getIndexInfo(null, null, table, true, false));
                t.add("best row", () -> md.getBestRowIdentifier(null, null, table, DatabaseMetaData.bestRowSession, true));
                t.add("version columns", () -> md.getVersionColumns(null, null, table));
                t.add("privileges", () -> md.getTablePrivileges(null, null, table));
                t.add("column privileges", () -> md.getColumnPrivileges(null, null, table, null));
                if (table != null) {
                    t.rowsOf("primary rows", () -> md.getPrimaryKeys(null, null, table));
                    t.rowsOf("imported rows", () -> md.getImportedKeys(null, null, table));
                    t.rowsOf("exported rows", () -> md.getExportedKeys(null, null, table));
                    t.rowsOf("index rows", () -> md.getIndexInfo(null, null, table, false, false));
                    t.rowsOf("best row rows", () -> md.getBestRowIdentifier(null, null, table, DatabaseMetaData.bestRowSession, true));
                    t.rowsOf("version column rows", () -> md.getVersionColumns(null, null, table));
                    t.rowsOf("privilege rows", () -> md.getTablePrivileges(null, null, table));
                }
            }));
        }
        cases.add(Case.of("getCrossReference(author, book)", (c, t) -> {
            exec(c, SCHEMA);
            t.rows("xref", c.getMetaData().getCrossReference(null, null, "author", null, null, "book"));
            t.rows("xref reverse", c.getMetaData().getCrossReference(null, null, "book", null, null, "tag"));
        }));
        cases.add(Case.of("procedures, functions, UDTs, attributes, pseudo columns", (c, t) -> {
            DatabaseMetaData md = c.getMetaData();
            t.add("procedures", () -> md.getProcedures(null, null, "%"));
            t.add("procedure columns", () -> md.getProcedureColumns(null, null, "%", "%"));
            t.add("functions", () -> md.getFunctions(null, null, "%"));
            t.add("function columns", () -> md.getFunctionColumns(null, null, "%", "%"));
            t.add("udts", () -> md.getUDTs(null, null, "%", null));
            t.add("attributes", () -> md.getAttributes(null, null, "%", "%"));
            t.add("pseudo", () -> md.getPseudoColumns(null, null, "%", "%"));
            t.add("super tables", () -> md.getSuperTables(null, null, "%"));
            t.add("super types", () -> md.getSuperTypes(null, null, "%"));
            t.add("schemas(p)", () -> md.getSchemas(null, "%"));
        }));
        cases.add(Case.of("metadata reflects a later schema change", (c, t) -> {
            exec(c, SCHEMA);
            DatabaseMetaData md = c.getMetaData();
            t.rows("before", md.getColumns(null, null, "author", null));
            exec(c, "ALTER TABLE author ADD COLUMN email TEXT", "DROP TABLE plain");
            t.rows("after", md.getColumns(null, null, "author", null));
            t.rows("tables", md.getTables(null, null, "%", null));
        }));
        return cases.stream();
    }

    private static Object invoke(Method m, DatabaseMetaData md) throws Exception {
        try {
            return m.invoke(md);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw e;
        }
    }
}
