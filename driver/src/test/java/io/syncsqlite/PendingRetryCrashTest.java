package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Changeset;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} while pending changes are retried: every change is either applied or still pending afterwards, never
 * gone (moving a change out of the pending store is atomic with applying it).
 */
class PendingRetryCrashTest {
    private static final int ROWS = 10_000;

    @TempDir
    Path dir;

    @Test
    void killedWhileRetryingPendingChangesLosesNone() throws Exception {
        long seed = Long.getLong("fault.seed", System.nanoTime());
        System.out.println("PendingRetryCrashTest seed=" + seed + " (rerun with -Dfault.seed=" + seed + ")");
        Random random = new Random(seed);
        Path template = dir.resolve("template.db");
        try (TestDb source = new TestDb(dir.resolve("source.db")); TestDb late = new TestDb(template)) {
            source.exec("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, n INTEGER)");
            source.conn.setAutoCommit(false);
            source.exec("WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < " + ROWS + ") INSERT INTO item SELECT x, 'row ' || x, x FROM i");
            source.conn.commit();
            source.conn.setAutoCommit(true);
            for (Changeset cs : source.drain()) late.apply(cs); // the table is not there yet: everything is parked
            late.exec("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, n INTEGER)");
            assertEquals(3L * ROWS, count(late, "_syncsqlite_pending"));
        }
        long fullRetryMillis = 0;
        for (int run = 0; run < 3; run++) {
            Path db = dir.resolve("run" + run + ".db");
            Files.copy(template, db);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), PendingRetryProcess.class.getName(), db.toString())
                    .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.log").toFile())).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("RETRYING", out.readLine(), "see " + dir.resolve("child.log"));
            long started = System.nanoTime();
            if (run == 0) {
                // the first run completes: it measures how long a retry takes, the window the kills below fall into
                assertEquals("DONE", out.readLine(), "see " + dir.resolve("child.log"));
                fullRetryMillis = (System.nanoTime() - started) / 1_000_000;
            } else {
                Thread.sleep(1 + random.nextInt((int) Math.max(1, fullRetryMillis))); // the fault: kill -9 at a random moment of the retry
            }
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            try (TestDb after = new TestDb(db)) {
                long applied = count(after, "item");
                long pending = count(after, "_syncsqlite_pending");
                System.out.println("run " + run + (run == 0 ? ": completed in " + fullRetryMillis + " ms with " : ": killed with ") + applied
                        + " rows applied and " + pending + " changes pending");
                after.retryPending();
                assertEquals(ROWS, count(after, "item"), "rows lost by a kill during the retry of pending changes (seed " + seed + ")");
                assertEquals(0, count(after, "_syncsqlite_pending"));
                assertEquals(List.of("row 1", "row " + ROWS), List.of(name(after, 1), name(after, ROWS)));
            }
        }
    }

    private static long count(TestDb db, String table) throws SQLException {
        try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String name(TestDb db, int id) throws SQLException {
        try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM item WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
