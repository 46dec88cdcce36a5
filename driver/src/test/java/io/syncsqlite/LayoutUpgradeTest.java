package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Databases instrumented by earlier layouts (triggers that wrote version rows themselves) upgrade in place on first open:
 * every version is kept, unpublished changes still go out, and writes after the upgrade — through the driver and through
 * a plain {@code jdbc:sqlite:} connection — are captured and sync. The files were made by the driver at the commit
 * named in their file name (src/test/resources/upgrade/README.md says how): each has a row-id keyed table, a
 * {@code COLLATE NOCASE} text key with a UNIQUE column, a composite key, published and unpublished changes.
 */
class LayoutUpgradeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"51957d1.db", "7e397a9.db"})
    void aDatabaseOfAnEarlierLayoutKeepsEveryVersionAndSyncsOn(String made) throws Exception {
        Path file = dir.resolve("old.db");
        Path twin = dir.resolve("twin.db"); // a second copy: a replica that holds the same history and writes nothing new
        for (Path copy : new Path[] {file, twin}) {
            try (InputStream in = getClass().getResourceAsStream("/upgrade/" + made)) {
                Files.copy(in, copy);
            }
        }
        for (Path copy : new Path[] {file, twin}) {
            // the in-JVM transport the files were made through is gone with its JVM: its cursors point into a log this one never had
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy); Statement s = c.createStatement()) {
                s.execute("DELETE FROM _syncsqlite_cursors");
            }
        }
        Map<String, List<String>> before = versions(file);
        Map<String, String> rowsBefore = rows(file);
        String ns = "upgrade-" + System.nanoTime();
        String url = "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
        try (Connection a = DriverManager.getConnection("jdbc:syncsqlite:" + file + url)) {
            assertEquals(rowsBefore, rows(file), "the application's rows are untouched");
            assertEquals(before, versions(file), "every version is kept");
            try (Statement s = a.createStatement()) {
                s.executeUpdate("UPDATE item SET qty = qty + 1 WHERE id IN (SELECT id FROM item ORDER BY id LIMIT 3)");
                s.executeUpdate("INSERT INTO item(name, qty) VALUES ('after upgrade', 1)");
                s.executeUpdate("DELETE FROM item WHERE id = (SELECT max(id) FROM item WHERE name <> 'after upgrade')");
                s.executeUpdate("UPDATE note SET body = 'edited' WHERE k = 'n1'");
                s.executeUpdate("INSERT OR REPLACE INTO note(k, body, email) VALUES ('n60', 'replaces n6', 'e6@x')");
                s.executeUpdate("UPDATE pair SET v = 'again' WHERE b = 1");
            }
            try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = plain.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.executeUpdate("INSERT INTO note(k, body, email) VALUES ('shell', 'written by another tool', 'shell@x')");
                s.executeUpdate("UPDATE item SET name = 'by the shell' WHERE id = (SELECT min(id) FROM item)");
            }
            a.unwrap(SyncConnection.class).syncNow();
            Map<String, List<String>> after = versions(file);
            for (Map.Entry<String, List<String>> e : before.entrySet()) {
                for (String row : e.getValue()) {
                    String key = row.substring(0, row.indexOf(" cl="));
                    String now = after.get(e.getKey()).stream().filter(r -> r.startsWith(key + " cl=")).findFirst().orElseThrow();
                    assertTrue(later(now, row), e.getKey() + ": " + row + " became " + now + ": a version went back");
                }
            }
            Map<String, String> expected = rows(file);
            assertTrue(expected.get("note").contains("shell|written by another tool"), expected.get("note"));
            assertTrue(expected.get("item").contains("by the shell"), expected.get("item"));
            try (Connection b = DriverManager.getConnection("jdbc:syncsqlite:" + twin + url)) {
                b.unwrap(SyncConnection.class).syncNow();
                a.unwrap(SyncConnection.class).syncNow();
            }
            assertEquals(expected, rows(twin), "the twin holds exactly the upgraded replica's rows");
            assertEquals(expected, rows(file), "what the twin published changed nothing: it held the same versions");
        }
    }

    /** Whether every clock of version row {@code now} is at least the one in {@code was} (same key). */
    private static boolean later(String now, String was) {
        String[] n = now.split(" ");
        String[] w = was.split(" ");
        for (int i = 0; i < w.length; i++) {
            if (!w[i].contains("=") || w[i].startsWith("k")) continue;
            long wv = Long.parseLong(w[i].substring(w[i].indexOf('=') + 1));
            long nv = Long.parseLong(n[i].substring(n[i].indexOf('=') + 1));
            if (nv < wv) return false;
        }
        return true;
    }

    /** Per version table, each row's key, causal length and clocks (site indexes left out: a copied file is a new site). */
    private static Map<String, List<String>> versions(Path file) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB '_syncsqlite_v[0-9]*' ORDER BY name")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + t + " ORDER BY 1, 2")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            String name = md.getColumnName(i);
                            if (name.matches("s\\d+|rs")) continue;
                            row.append(row.length() == 0 ? "" : " ").append(name).append('=').append(rs.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
                out.put(t, rows);
            }
        }
        return out;
    }

    private static Map<String, String> rows(Path file) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String[] t : new String[][] {{"item", "id || '|' || name || '|' || qty", "id"}, {"note", "k || '|' || body || '|' || email", "k"},
                    {"pair", "a || '|' || b || '|' || v", "a, b"}}) {
                try (ResultSet rs = s.executeQuery("SELECT group_concat(r, ',') FROM (SELECT " + t[1] + " AS r FROM " + t[0] + " ORDER BY " + t[2] + ")")) {
                    rs.next();
                    out.put(t[0], rs.getString(1));
                }
            }
        }
        return out;
    }
}
