package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new replica killed ({@code kill -9}) while it applies a snapshot goes on where it stopped when it starts again:
 * the changesets it had applied are not applied a second time, and it ends with every row, none twice.
 */
class InterruptedBootstrapTest {
    private static final int ROWS = 30_000; // 90,000 changes: a snapshot of 5 changesets

    @TempDir
    Path dir;

    @Test
    void aKilledBootstrapResumesInsideTheSnapshot() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        try (NasReplica seed = new NasReplica(dir.resolve("seed.db"), share, "&sync.compactEvery=1")) {
            seed.conn.setAutoCommit(false);
            seed.exec("WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < " + ROWS + ")"
                    + " INSERT INTO todo(id, title) SELECT 'row-' || x, 'title ' || x FROM i");
            seed.conn.commit();
            seed.conn.setAutoCommit(true);
            seed.syncNow(); // publishes, then compacts into a snapshot
            try (Stream<Path> files = Files.list(share.resolve("test").resolve(seed.site()))) {
                assertTrue(files.anyMatch(f -> f.toString().endsWith(".snapshot")), "the seed published a snapshot");
            }
        }
        Path fresh = dir.resolve("fresh.db");
        long before = 0;
        for (int attempt = 0; attempt < 5 && (before == 0 || before == ROWS); attempt++) {
            Files.deleteIfExists(fresh);
            Files.deleteIfExists(dir.resolve("fresh.db-wal"));
            Files.deleteIfExists(dir.resolve("fresh.db-shm"));
            ChildReplica child = new ChildReplica(fresh, share, "fresh", 0, dir);
            // the engine applies a changeset in slices and records it with its last slice: wait for a recorded one
            Await.until("the new replica applied part of the snapshot", Duration.ofSeconds(60), () -> recorded(fresh));
            child.killHard(); // kill -9 in the middle of the snapshot
            before = rows(fresh);
        }
        assertTrue(before > 0 && before < ROWS, "killed mid-snapshot with " + before + " of " + ROWS + " rows");
        String checkpoint = checkpoint(fresh);
        Matcher m = Pattern.compile("\\.snapshot:(\\d+)$").matcher(checkpoint);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 1, "the changesets applied before the kill are recorded: '" + checkpoint + "'");
        try (NasReplica resumed = new NasReplica(fresh, share, "")) {
            resumed.syncNow();
            assertEquals(ROWS, rows(fresh));
            assertEquals("", checkpoint(fresh), "the checkpoint is cleared with the snapshot's last changeset");
        }
    }

    private static String checkpoint(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM _syncsqlite_cursors WHERE key LIKE '%" + Puller.PARTIAL + "'")) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }

    /** Whether a changeset of the snapshot is recorded as applied, read the way another process would. */
    private static boolean recorded(Path db) {
        try {
            return !checkpoint(db).equals("none");
        } catch (SQLException e) {
            return false; // not created yet
        }
    }

    /** Rows the replica has committed, read the way another process would. */
    private static long rows(Path db) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM todo")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            return 0; // not created yet
        }
    }
}
