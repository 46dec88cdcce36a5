package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local writes — through two driver connections and one plain {@code jdbc:sqlite:} connection per replica, some in
 * multi-statement transactions, among them {@code DELETE}s of every row of a table filled with 1,200 rows (one entry each
 * through the driver, row by row through the plain connection) — interleaved at random with partial folds of the captured writes, publications and
 * remote applies, on three replicas. Once everything is delivered, every replica holds what the merge rule makes of
 * everything published (a reference model: per cell the greatest {@code (causal length, HLC, site)}, ties by value),
 * and each site published strictly increasing versions of every cell. Seed: {@code -Dfold.seed=N} replays one run.
 */
class FoldInterleavingTest {
    private static final String[] SCHEMA = {
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER)",
        "CREATE TABLE u(k TEXT PRIMARY KEY, v TEXT)",
    };
    private static final String FILL = "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < 1200) SELECT x FROM i";

    @TempDir
    Path dir;

    @RepeatedTest(4)
    void writesFoldsAndAppliesInAnyInterleavingConvergeOnTheMergeOfWhatWasPublished() throws Exception {
        long seed = Long.getLong("fold.seed", new Random().nextLong());
        System.out.println("FoldInterleavingTest seed " + seed + " (-Dfold.seed=" + seed + ")");
        Random rnd = new Random(seed);
        List<Replica> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) replicas.add(new Replica(dir.resolve("r" + i + ".db")));
        List<Changeset> published = new ArrayList<>();
        try {
            for (int step = 0; step < 400; step++) {
                Replica r = replicas.get(rnd.nextInt(replicas.size()));
                int what = rnd.nextInt(10);
                if (what < 6) r.write(rnd);
                else if (what == 6) r.db.fold(1 + rnd.nextInt(6));
                else if (what == 7) published.addAll(r.db.drain());
                else r.receive(published, 1 + rnd.nextInt(4));
            }
            for (int round = 0; round < 5; round++) { // deliver everything; applies publish nothing new here
                for (Replica r : replicas) published.addAll(r.db.drain());
                for (Replica r : replicas) r.receive(published, Integer.MAX_VALUE);
            }
            Map<String, String> expected = model(published);
            for (Replica r : replicas) assertEquals(expected, r.rows(), "seed " + seed + ": " + r.db.site());
            increasingPerCellAndSite(published, seed);
        } finally {
            for (Replica r : replicas) r.close();
        }
    }

    /**
     * Each site's versions of one cell are strictly increasing in the order it published them; a version published again
     * unchanged (a row listed in two batches of one drain) is the same version, not a new one.
     */
    private static void increasingPerCellAndSite(List<Changeset> published, long seed) {
        Map<String, Change> last = new HashMap<>();
        for (Changeset cs : published) {
            for (Change ch : cs.changes()) {
                if (!ch.site().equals(cs.origin())) continue;
                String cell = ch.site() + "|" + ch.table() + "|" + ch.pk() + "|" + ch.column();
                Change before = last.put(cell, ch);
                boolean again = before != null && before.hlc() == ch.hlc() && before.cl() == ch.cl() && java.util.Objects.equals(before.value(), ch.value());
                assertTrue(before == null || again || ch.hlc() > before.hlc(), "seed " + seed + ": " + cell + " published " + ch.hlc() + " after " + before);
            }
        }
    }

    /** What the merge rule makes of every published change: per cell the greatest version; a row exists while its causal length is odd. */
    private static Map<String, String> model(List<Changeset> published) {
        Map<String, Change> best = new HashMap<>();
        for (Changeset cs : published) {
            for (Change ch : cs.changes()) {
                String cell = ch.table() + "|" + ch.pk() + "|" + ch.column();
                Change was = best.get(cell);
                if (was == null || ch.beats(was.cl(), was.hlc(), was.site(), was::value)) best.put(cell, ch);
            }
        }
        Map<String, String> out = new TreeMap<>();
        for (Change row : best.values()) {
            if (!row.isRowChange() || !row.isAlive()) continue;
            String prefix = row.table() + "|" + row.pk() + "|";
            String values = row.table().equals("t")
                    ? text(best.get(prefix + "a")) + "|" + text(best.get(prefix + "b"))
                    : text(best.get(prefix + "v"));
            out.put(row.table() + ":" + row.pk().get(0), values);
        }
        return out;
    }

    private static String text(Change ch) {
        return ch == null || ch.value() == null ? "null" : String.valueOf(ch.value());
    }

    /** One replica: its driver connections, a plain connection to the same file, and what it received so far. */
    private static final class Replica implements AutoCloseable {
        final TestDb db;
        final Connection second;
        final Connection plain;
        int received;

        Replica(Path file) throws SQLException {
            db = new TestDb(file);
            db.exec(SCHEMA);
            db.schema();
            second = DriverManager.getConnection("jdbc:syncsqlite:" + file);
            plain = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = plain.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
            }
        }

        void write(Random rnd) throws SQLException {
            int which = rnd.nextInt(3);
            Connection c = which == 0 ? db.conn : which == 1 ? second : plain;
            boolean transaction = which < 2 && rnd.nextInt(4) == 0;
            if (transaction) c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (int i = transaction ? 2 + rnd.nextInt(3) : 1; i > 0; i--) {
                    String sql = statement(rnd);
                    try {
                        s.executeUpdate(sql);
                    } catch (SQLException e) {
                        throw new SQLException(sql + " through connection " + which + ": " + e.getMessage(), e);
                    }
                }
                if (transaction) c.commit();
            } finally {
                if (transaction) c.setAutoCommit(true);
            }
        }

        private static String statement(Random rnd) {
            int id = 1 + rnd.nextInt(8);
            String k = "'k" + rnd.nextInt(6) + "'";
            return switch (rnd.nextInt(14)) {
                case 0, 1 -> "INSERT OR IGNORE INTO t(id, a, b) VALUES (" + id + ", 'a" + rnd.nextInt(100) + "', " + rnd.nextInt(100) + ")";
                case 2 -> "UPDATE t SET a = 'u" + rnd.nextInt(100) + "' WHERE id = " + id;
                case 3 -> "UPDATE t SET b = b + 1 WHERE id % 2 = " + rnd.nextInt(2); // several rows
                case 4 -> "DELETE FROM t WHERE id = " + id;
                case 5 -> "UPDATE OR IGNORE t SET id = " + (1 + rnd.nextInt(8)) + " WHERE id = " + id; // a key change
                case 6 -> "UPDATE t SET a = NULL, b = " + rnd.nextInt(100) + " WHERE id = " + id;
                case 7 -> "INSERT OR REPLACE INTO u(k, v) VALUES (" + k + ", 'v" + rnd.nextInt(100) + "')";
                case 8 -> "UPDATE u SET v = 'w" + rnd.nextInt(100) + "' WHERE k = " + k;
                case 9 -> "DELETE FROM u WHERE k = " + k;
                case 10 -> "INSERT INTO t(a, b) VALUES ('new', 0)"; // the key left to the database
                // enough rows for a DELETE of every row through the driver to be captured as one entry (BulkDelete)
                case 11 -> rnd.nextBoolean() ? "INSERT OR IGNORE INTO t(id, a, b) SELECT x, 'f' || x, x FROM (" + FILL + ")"
                        : "INSERT OR IGNORE INTO u(k, v) SELECT 'k' || x, 'f' || x FROM (" + FILL + ")";
                default -> rnd.nextBoolean() ? "DELETE FROM t" : "DELETE FROM u";
            };
        }

        /** Applies up to {@code max} more of the published changesets, other replicas' only. */
        void receive(List<Changeset> published, int max) throws SQLException {
            for (int n = 0; n < max && received < published.size(); received++) {
                Changeset cs = published.get(received);
                if (cs.origin().equals(db.site())) continue;
                db.apply(cs);
                n++;
            }
        }

        Map<String, String> rows() throws SQLException {
            Map<String, String> out = new TreeMap<>();
            try (Statement s = db.conn.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT id, a, b FROM t")) {
                    while (rs.next()) out.put("t:" + rs.getLong(1), rs.getString(2) + "|" + rs.getString(3));
                }
                try (ResultSet rs = s.executeQuery("SELECT k, v FROM u")) {
                    while (rs.next()) out.put("u:" + rs.getString(1), String.valueOf(rs.getString(2)));
                }
            }
            return out;
        }

        @Override
        public void close() throws SQLException {
            plain.close();
            second.close();
            db.close();
        }
    }
}
