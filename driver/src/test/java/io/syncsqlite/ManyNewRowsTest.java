package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.merge.ApplyResult;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New rows are written many per statement, their versions read many per query: whatever a changeset holds, the
 * result must be the one of applying it row by row. The changeset here mixes what could tell the two apart: a row the
 * target's own constraint refuses in the middle of a run of new rows, a UNIQUE value a local row holds, keys that one
 * table's NOCASE collation and SQLite's numeric comparison make equal inside one changeset, and composite keys.
 */
class ManyNewRowsTest {
    private static final List<String> TABLES = List.of("item", "person", "tag", "num", "pair");

    @TempDir
    Path dir;

    @Test
    void aChangesetOfManyNewRowsEndsAsAppliedRowByRow() throws Exception {
        try (TestDb one = new TestDb(dir.resolve("one.db")); TestDb two = new TestDb(dir.resolve("two.db"));
             TestDb together = new TestDb(dir.resolve("together.db")); TestDb rowByRow = new TestDb(dir.resolve("row-by-row.db"))) {
            for (TestDb db : List.of(one, two)) schema(db, "");
            // the targets refuse quantities of 1000 or more, which the sources allow
            for (TestDb db : List.of(together, rowByRow)) {
                schema(db, " CHECK (qty < 1000)");
                db.exec("INSERT INTO person VALUES ('local', 'taken@example.com')");
                db.drain();
            }
            one.exec("BEGIN");
            for (int i = 0; i < 150; i++) one.exec("INSERT INTO item VALUES (" + i + ", 'item " + i + "', " + (i == 70 ? 5000 : i) + ")");
            one.exec("INSERT INTO person VALUES ('p1', 'taken@example.com')", "INSERT INTO tag VALUES ('Alice', 'from one')",
                    "INSERT INTO num VALUES (1, 'integer one')", "INSERT INTO pair VALUES (1, 'Key', 'from one')", "COMMIT");
            two.exec("INSERT INTO tag VALUES ('aLICE', 'from two')", "INSERT INTO num VALUES (1.0, 'real one')", "INSERT INTO pair VALUES (1, 'KEY', 'from two')",
                    "INSERT INTO pair VALUES (2, 'key', 'from two')");
            List<Change> all = new ArrayList<>();
            for (Changeset cs : one.drain()) all.addAll(cs.changes());
            for (Changeset cs : two.drain()) all.addAll(cs.changes());
            // each table's rows side by side, so keys that are equal here ('Alice' and 'aLICE', 1 and 1.0) meet in one run
            all.sort(java.util.Comparator.comparing(Change::table));
            Changeset changeset = new Changeset(one.site(), all);

            ApplyResult r = together.apply(changeset);
            for (Changeset row : rowByRow(changeset)) rowByRow.apply(row);

            for (String table : TABLES) assertEquals(rowByRow.dump(table), together.dump(table), table);
            for (String versions : versionTables(rowByRow)) assertEquals(versions(rowByRow, versions), versions(together, versions), versions);
            assertEquals(pending(rowByRow), pending(together));
            // and the case is what it says: the refused row waits, its neighbours arrived, the conflict was settled
            assertEquals(149L, count(together, "item"));
            assertEquals(3L, pending(together), "the refused row's changes are kept pending: " + r.conflicts());
            assertTrue(r.conflicts().stream().anyMatch(c -> c.contains("UNIQUE conflict")), r.conflicts()::toString);
            assertEquals(1L, count(together, "tag"));
            assertEquals(1L, count(together, "num"));
            assertEquals(2L, count(together, "pair"));
        }
    }

    private static void schema(TestDb db, String itemCheck) throws SQLException {
        db.exec("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER" + itemCheck + ")",
                "CREATE TABLE person(id TEXT PRIMARY KEY, email TEXT UNIQUE)",
                "CREATE TABLE tag(name TEXT PRIMARY KEY COLLATE NOCASE, note TEXT)",
                "CREATE TABLE num(k PRIMARY KEY, note TEXT)",
                "CREATE TABLE pair(a INTEGER, b TEXT COLLATE NOCASE, note TEXT, PRIMARY KEY (a, b))");
    }

    /** The changeset cut into one changeset per row, in order. */
    private static List<Changeset> rowByRow(Changeset cs) {
        List<Changeset> out = new ArrayList<>();
        List<Change> row = new ArrayList<>();
        for (Change c : cs.changes()) {
            if (!row.isEmpty() && !(row.get(0).table().equals(c.table()) && row.get(0).pk().equals(c.pk()))) {
                out.add(new Changeset(cs.origin(), row));
                row = new ArrayList<>();
            }
            row.add(c);
        }
        if (!row.isEmpty()) out.add(new Changeset(cs.origin(), row));
        return out;
    }

    private static List<String> versionTables(TestDb db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = db.conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB '_syncsqlite_v[0-9]*' ORDER BY name")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        assertEquals(TABLES.size(), out.size(), out::toString);
        return out;
    }

    /** A version table's rows, sorted, with the clock of versions this replica stamped itself (site 0) masked. */
    private static String versions(TestDb db, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
            java.sql.ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnName(i);
                    boolean clock = name.equals("rh") || name.matches("h\\d+");
                    boolean local = clock && rs.getLong(i + 1) == 0;
                    b.append(name).append('=').append(local ? "local" : rs.getString(i)).append(' ');
                }
                rows.add(b.toString());
            }
        }
        java.util.Collections.sort(rows);
        return String.join("\n", rows);
    }

    private static long pending(TestDb db) throws SQLException {
        return count(db, "_syncsqlite_pending");
    }

    private static long count(TestDb db, String table) throws SQLException {
        return ((Number) db.value("SELECT count(*) FROM " + table)).longValue();
    }
}
