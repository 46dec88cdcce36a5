package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table too wide for the driver's version table is left alone with a warning; the database keeps working. */
class WideTableTest {
    @TempDir
    Path dir;

    private String url(String name, String ns) {
        return "jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    private static String wide(String name, int columns) {
        StringBuilder b = new StringBuilder("CREATE TABLE ").append(name).append("(id INTEGER PRIMARY KEY");
        for (int i = 1; i <= columns; i++) b.append(", c").append(i).append(" TEXT");
        return b.append(')').toString();
    }

    @Test
    void tablesTooWideToVersionAreSkippedWithAWarningAndEveryLaterConnectWorks() throws Exception {
        String ns = "wide-" + System.nanoTime();
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null) warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        try {
            for (String db : List.of("a.db", "b.db")) {
                try (Connection c = DriverManager.getConnection(url(db, ns)); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE narrow(id TEXT PRIMARY KEY, v TEXT)");
                    s.execute(wide("wide", 1200)); // over the 998 value columns a 2000-column version table holds
                    s.execute(wide("mid", 700));   // fits a version table, but not the statement that publishes a row
                }
            }
            try (Connection a = DriverManager.getConnection(url("a.db", ns)); Statement s = a.createStatement()) {
                s.execute("INSERT INTO narrow VALUES ('n', 'synced')");
                s.execute("INSERT INTO wide(id, c1, c1200) VALUES (1, 'a', 'z')");
                s.execute("INSERT INTO mid(id, c700) VALUES (1, 'm')");
                a.unwrap(SyncConnection.class).syncNow();
                assertEquals(0, count(a, "sqlite_master WHERE name LIKE '\\_syncsqlite\\_%' ESCAPE '\\' AND (sql LIKE '%\"wide\"%' OR sql LIKE '%\"mid\"%')"),
                        "no version table or trigger of the skipped tables exists");
            }
            try (Connection b = DriverManager.getConnection(url("b.db", ns))) {
                b.unwrap(SyncConnection.class).syncNow();
                assertEquals(1, count(b, "narrow WHERE v = 'synced'"));
                assertEquals(0, count(b, "wide"));
            }
            assertTrue(warnings.stream().anyMatch(w -> w.contains("\"wide\" has 1200 value columns") && w.contains("not synced")), warnings::toString);
            assertTrue(warnings.stream().anyMatch(w -> w.contains("\"mid\" has 700 value columns")), warnings::toString);
        } finally {
            root.removeHandler(handler);
        }
    }

    @Test
    void aCapturedTableThatGrowsTooWideStopsBeingSyncedInsteadOfBreakingTheDatabase() throws Exception {
        String ns = "grow-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("g.db", ns)); Statement s = a.createStatement()) {
            s.execute(wide("t", 662)); // the widest that fits beside a one-column key is 664
            s.execute("INSERT INTO t(id, c1) VALUES (1, 'x')");
            for (int i = 663; i <= 666; i++) s.execute("ALTER TABLE t ADD COLUMN c" + i + " TEXT");
            s.execute("INSERT INTO t(id, c666) VALUES (2, 'y')");
            a.unwrap(SyncConnection.class).syncNow();
        }
        try (Connection again = DriverManager.getConnection(url("g.db", ns))) {
            assertEquals(2, count(again, "t"));
        }
    }

    private static int count(Connection c, String from) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
