package io.syncsqlite.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Cost of supplying cross-replica keys on single-row prepared inserts: plain {@code jdbc:sqlite:}, the driver with
 * capture but the key left to SQLite (statement prepared on the unwrapped xerial connection), and the driver with
 * the rewrite. Not a test; run by hand (see the report of issue 6):
 * {@code java -cp <test classpath> io.syncsqlite.keys.RewriteOverheadBench [rows] [rounds]}.
 */
public final class RewriteOverheadBench {
    private static final String TABLE = "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, n INTEGER)";
    private static final String INSERT = "INSERT INTO t(name, n) VALUES (?, ?)";

    private enum Variant { PLAIN, DRIVER_NO_REWRITE, DRIVER_REWRITE }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("rewrite-bench");
        run(dir, Variant.PLAIN, 5_000, -1, true); // warm-up of every code path
        run(dir, Variant.DRIVER_NO_REWRITE, 5_000, -1, true);
        run(dir, Variant.DRIVER_REWRITE, 5_000, -1, true);
        for (int r = 1; r <= rounds; r++) {
            for (Variant v : Variant.values()) run(dir, v, rows, r, true);
        }
        for (int r = 1; r <= rounds; r++) {
            for (Variant v : Variant.values()) run(dir, v, 500, r, false);
        }
    }

    private static void run(Path dir, Variant v, int rows, int round, boolean oneTransaction) throws SQLException {
        Path file = dir.resolve(v + "-" + round + "-" + oneTransaction + "-" + System.nanoTime() + ".db");
        String url = (v == Variant.PLAIN ? "jdbc:sqlite:" + file + "?journal_mode=WAL" : "jdbc:syncsqlite:" + file);
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute(TABLE);
            }
            Connection target = v == Variant.DRIVER_NO_REWRITE ? c.unwrap(org.sqlite.SQLiteConnection.class) : c;
            c.setAutoCommit(!oneTransaction);
            long start = System.nanoTime();
            try (PreparedStatement ps = target.prepareStatement(INSERT)) {
                for (int i = 0; i < rows; i++) {
                    ps.setString(1, "row " + i);
                    ps.setInt(2, i);
                    ps.executeUpdate();
                }
            }
            if (oneTransaction) c.commit();
            long nanos = System.nanoTime() - start;
            if (round > 0) {
                System.out.printf(Locale.ROOT, "%-18s %-11s round %d: %7d rows %8.1f ms %7.2f us/insert%n", v,
                        oneTransaction ? "one-tx" : "autocommit", round, rows, nanos / 1e6, nanos / 1e3 / rows);
            }
        }
    }
}
