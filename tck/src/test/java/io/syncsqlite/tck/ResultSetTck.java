package io.syncsqlite.tck;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link ResultSet}: cursor movement, lookups by label, lifecycle, and the (unsupported) updatable operations. */
class ResultSetTck extends TckSuite {
    private static final String[] DATA = {"CREATE TABLE r(id TEXT PRIMARY KEY, n INTEGER, s TEXT)", "INSERT INTO r VALUES ('a', 1, 'x'), ('b', NULL, 'y'), ('c', 3, NULL)"};

    @FunctionalInterface
    interface RsOp {
        Object apply(ResultSet rs) throws Exception;
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        List<Object[]> ops = List.of(
                new Object[] {"next", (RsOp) ResultSet::next}, new Object[] {"previous", (RsOp) ResultSet::previous},
                new Object[] {"first", (RsOp) ResultSet::first}, new Object[] {"last", (RsOp) ResultSet::last},
                new Object[] {"beforeFirst", (RsOp) rs -> { rs.beforeFirst(); return "ok"; }},
                new Object[] {"afterLast", (RsOp) rs -> { rs.afterLast(); return "ok"; }},
                new Object[] {"absolute(2)", (RsOp) rs -> rs.absolute(2)}, new Object[] {"relative(1)", (RsOp) rs -> rs.relative(1)},
                new Object[] {"getRow", (RsOp) ResultSet::getRow}, new Object[] {"isBeforeFirst", (RsOp) ResultSet::isBeforeFirst},
                new Object[] {"isAfterLast", (RsOp) ResultSet::isAfterLast}, new Object[] {"isFirst", (RsOp) ResultSet::isFirst},
                new Object[] {"isLast", (RsOp) ResultSet::isLast}, new Object[] {"getType", (RsOp) ResultSet::getType},
                new Object[] {"getConcurrency", (RsOp) ResultSet::getConcurrency}, new Object[] {"getHoldability", (RsOp) ResultSet::getHoldability},
                new Object[] {"getFetchSize", (RsOp) ResultSet::getFetchSize}, new Object[] {"getFetchDirection", (RsOp) ResultSet::getFetchDirection},
                new Object[] {"setFetchSize(5)", (RsOp) rs -> { rs.setFetchSize(5); return rs.getFetchSize(); }},
                new Object[] {"setFetchDirection(reverse)", (RsOp) rs -> { rs.setFetchDirection(ResultSet.FETCH_REVERSE); return rs.getFetchDirection(); }},
                new Object[] {"getCursorName", (RsOp) ResultSet::getCursorName}, new Object[] {"getWarnings", (RsOp) ResultSet::getWarnings},
                new Object[] {"clearWarnings", (RsOp) rs -> { rs.clearWarnings(); return "ok"; }},
                new Object[] {"findColumn(n)", (RsOp) rs -> rs.findColumn("n")}, new Object[] {"findColumn(N)", (RsOp) rs -> rs.findColumn("N")},
                new Object[] {"findColumn(nope)", (RsOp) rs -> rs.findColumn("nope")},
                new Object[] {"getString before next", (RsOp) rs -> rs.getString(1)},
                new Object[] {"getString(0)", (RsOp) rs -> { rs.next(); return rs.getString(0); }},
                new Object[] {"getString(4)", (RsOp) rs -> { rs.next(); return rs.getString(4); }},
                new Object[] {"get by label", (RsOp) rs -> { rs.next(); return rs.getString("s") + rs.getInt("n") + rs.getObject("id"); }},
                new Object[] {"get by wrong label", (RsOp) rs -> { rs.next(); return rs.getString("zzz"); }},
                new Object[] {"wasNull sequence", (RsOp) rs -> { rs.next(); rs.next(); int n = rs.getInt(2); boolean w1 = rs.wasNull(); rs.getString(3); return n + "/" + w1 + "/" + rs.wasNull(); }},
                new Object[] {"read past end", (RsOp) rs -> { while (rs.next()) { } return rs.next() + "/" + rs.isClosed(); }},
                new Object[] {"getString after end", (RsOp) rs -> { while (rs.next()) { } return rs.getString(1); }},
                new Object[] {"close twice", (RsOp) rs -> { rs.close(); rs.close(); return rs.isClosed(); }},
                new Object[] {"use after close", (RsOp) rs -> { rs.close(); return rs.next(); }},
                new Object[] {"getMetaData after close", (RsOp) rs -> { rs.close(); return rs.getMetaData(); }},
                new Object[] {"getStatement type", (RsOp) ResultSet::getStatement},
                new Object[] {"rowUpdated", (RsOp) ResultSet::rowUpdated}, new Object[] {"rowInserted", (RsOp) ResultSet::rowInserted},
                new Object[] {"rowDeleted", (RsOp) ResultSet::rowDeleted},
                new Object[] {"updateInt", (RsOp) rs -> { rs.next(); rs.updateInt(2, 5); return "ok"; }},
                new Object[] {"updateString", (RsOp) rs -> { rs.next(); rs.updateString("s", "q"); return "ok"; }},
                new Object[] {"updateNull", (RsOp) rs -> { rs.next(); rs.updateNull(2); return "ok"; }},
                new Object[] {"updateRow", (RsOp) rs -> { rs.next(); rs.updateRow(); return "ok"; }},
                new Object[] {"insertRow", (RsOp) rs -> { rs.moveToInsertRow(); rs.insertRow(); return "ok"; }},
                new Object[] {"deleteRow", (RsOp) rs -> { rs.next(); rs.deleteRow(); return "ok"; }},
                new Object[] {"refreshRow", (RsOp) rs -> { rs.next(); rs.refreshRow(); return "ok"; }},
                new Object[] {"cancelRowUpdates", (RsOp) rs -> { rs.cancelRowUpdates(); return "ok"; }},
                new Object[] {"moveToCurrentRow", (RsOp) rs -> { rs.moveToCurrentRow(); return "ok"; }},
                new Object[] {"getArray", (RsOp) rs -> { rs.next(); return rs.getArray(1); }},
                new Object[] {"getRef", (RsOp) rs -> { rs.next(); return rs.getRef(1); }},
                new Object[] {"getURL", (RsOp) rs -> { rs.next(); return rs.getURL(1); }},
                new Object[] {"getRowId", (RsOp) rs -> { rs.next(); return rs.getRowId(1); }},
                new Object[] {"getSQLXML", (RsOp) rs -> { rs.next(); return rs.getSQLXML(1); }},
                new Object[] {"getNString", (RsOp) rs -> { rs.next(); return rs.getNString(1); }},
                new Object[] {"getCharacterStream", (RsOp) rs -> { rs.next(); return new java.io.BufferedReader(rs.getCharacterStream(3)).readLine(); }},
                new Object[] {"getAsciiStream", (RsOp) rs -> { rs.next(); return new String(rs.getAsciiStream(3).readAllBytes()); }},
                new Object[] {"getBinaryStream", (RsOp) rs -> { rs.next(); return rs.getBinaryStream(3) == null ? null : rs.getBinaryStream(3).readAllBytes(); }},
                new Object[] {"getBinaryStream of null", (RsOp) rs -> { rs.next(); rs.next(); rs.next(); return rs.getBinaryStream(3); }},
                new Object[] {"getObject(label, map)", (RsOp) rs -> { rs.next(); return rs.getObject(1, new java.util.HashMap<>()); }});
        for (Object[] op : ops) {
            String name = (String) op[0];
            RsOp f = (RsOp) op[1];
            cases.add(Case.of(name, (c, t) -> {
                exec(c, DATA);
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, n, s FROM r ORDER BY id")) {
                    t.add(name, () -> f.apply(rs));
                    t.add("closed", rs::isClosed);
                }
            }));
        }
        cases.add(Case.of("scroll-insensitive statement result set", (c, t) -> {
            exec(c, DATA);
            try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
                 ResultSet rs = s.executeQuery("SELECT id FROM r ORDER BY id")) {
                t.add("type", rs::getType);
                t.add("last", rs::last);
                t.add("absolute", () -> rs.absolute(1));
                t.add("previous", rs::previous);
            }
        }));
        cases.add(Case.of("empty result", (c, t) -> {
            exec(c, DATA);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM r WHERE 0")) {
                t.add("isBeforeFirst", rs::isBeforeFirst);
                t.add("next", rs::next);
                t.add("getRow", rs::getRow);
                t.add("isClosed", rs::isClosed);
                t.add("getString", () -> rs.getString(1));
            }
        }));
        return cases.stream();
    }
}
