package io.syncsqlite.tck.constraints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 case 4: a new device joins an established shared folder whose sites compacted their segments into
 * snapshots, and rows whose NOT NULL columns were last written by different sites are built whole: a snapshot carries
 * the rows its site wrote a cell of whole, and the pieces of one row that wait are applied together as soon as the row
 * is complete. Also when the site that inserted the rows has left the folder for good.
 */
class RowsFromPiecesTest {
    private static final String SCHEMA = "CREATE TABLE t(id TEXT PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)";

    @TempDir
    Path dir;

    @Test
    void aNewReplicaBuildsWholeRowsFromCompactedSnapshots() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        String ns = "pieces-" + UUID.randomUUID();
        String common = "?sync.transport=nas&sync.dir=" + share + "&sync.namespace=" + ns + "&sync.interval=1h&sync.compactEvery=1";
        String expected;
        try (Connection w = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("w.db") + common);
             Connection x = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("x.db") + common)) {
            Transports.exec(w, SCHEMA);
            Transports.exec(x, SCHEMA);
            w.setAutoCommit(false);
            for (int i = 0; i < 20; i++) Transports.exec(w, "INSERT INTO t VALUES ('r" + i + "', 'a" + i + "', 'b" + i + "')");
            w.commit();
            w.setAutoCommit(true);
            sync(w, x, w, x);
            assertEquals(20, Transports.count(x, "SELECT count(*) FROM t"));
            Transports.exec(x, "UPDATE t SET b = 'x-' || id");
            sync(x, w, x, w, x, w); // both publish again, so both compact: their folders hold snapshots only
            expected = Transports.dump(w, "t");
            assertEquals(expected, Transports.dump(x, "t"));
        }
        try (Connection r = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("r.db") + common)) {
            Transports.exec(r, SCHEMA);
            sync(r, r);
            assertEquals(expected, Transports.dump(r, "t"), "a new replica holds every row whole");
            assertEquals(0, Transports.count(r, "SELECT count(*) FROM _syncsqlite_pending"));
        }
        // the site that inserted the rows leaves for good: the other's snapshot still carries them whole
        try (var folders = Files.list(share.resolve(ns))) {
            String wSite;
            try (Connection w = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("w.db"))) {
                wSite = w.unwrap(SyncConnection.class).siteId();
            }
            for (Path folder : folders.toList()) {
                if (folder.getFileName().toString().equals(wSite)) {
                    try (var files = Files.walk(folder)) {
                        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
                    }
                }
            }
        }
        try (Connection late = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("late.db") + common)) {
            Transports.exec(late, SCHEMA);
            sync(late, late);
            assertEquals(expected, Transports.dump(late, "t"), "rows whose inserting site left are still whole");
            assertEquals(0, Transports.count(late, "SELECT count(*) FROM _syncsqlite_pending"));
        }
    }

    private static void sync(Connection... rounds) throws Exception {
        for (Connection c : rounds) c.unwrap(SyncConnection.class).syncNow();
    }
}
