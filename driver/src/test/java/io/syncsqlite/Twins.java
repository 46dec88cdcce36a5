package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Differential runs: one script on a jdbc:sqlite: file and on a jdbc:syncsqlite: twin, its observations described as
 * text so the two runs compare with one assertion. Plain xerial gets the driver's defaults (WAL, 30 s busy timeout),
 * so only the driver differs; each run's own folder is written as {@code DIR} in the text.
 */
final class Twins {
    /** A script run on one connection, in a folder of its own. */
    interface Script {
        String run(Connection c, Path dir) throws Exception;
    }

    private Twins() {
    }

    static void same(Path dir, Script script) throws Exception {
        assertEquals(run(dir, "plain", "jdbc:sqlite:", "?journal_mode=WAL&busy_timeout=30000", script),
                run(dir, "sync", "jdbc:syncsqlite:", "", script));
    }

    private static String run(Path dir, String name, String prefix, String query, Script script) throws Exception {
        Path own = Files.createDirectories(dir.resolve(name));
        try (Connection c = DriverManager.getConnection(prefix + own.resolve("db") + query)) {
            return script.run(c, own).replace(own.toString(), "DIR");
        }
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    /** The rows of {@code sql}, or the exception it threw, as text. */
    static String query(Connection c, String sql) {
        StringBuilder out = new StringBuilder(" ").append(sql).append(" ->");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) out.append(' ').append(rs.getObject(i));
                out.append(';');
            }
        } catch (SQLException e) {
            out.append(' ').append(describe(e));
        }
        return out.append('\n').toString();
    }

    static String describe(SQLException e) {
        return e.getClass().getName() + " state=" + e.getSQLState() + " code=" + e.getErrorCode() + " " + e.getMessage();
    }

    /** A commit listener that adds "commit" or "rollback" to {@code events}. */
    static org.sqlite.SQLiteCommitListener recordingCommits(java.util.List<String> events) {
        return new org.sqlite.SQLiteCommitListener() {
            @Override
            public void onCommit() {
                events.add("commit");
            }

            @Override
            public void onRollback() {
                events.add("rollback");
            }
        };
    }
}
