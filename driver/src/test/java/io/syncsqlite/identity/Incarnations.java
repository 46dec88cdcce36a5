package io.syncsqlite.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.syncsqlite.SyncConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies and restores of a replica's database file, run against the transport a subclass names: {@link #url} maps a
 * database file to a syncing URL of that transport (every replica of one test in one namespace). Each test ends when
 * every replica holds the rows every replica committed, or fails naming what is missing.
 */
public abstract class Incarnations {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    protected Path dir;

    /** A URL syncing {@code file} through the transport under test, in a namespace of this test. */
    protected abstract String url(Path file);

    /**
     * A synced file copied while closed (cp to a second device) and one copied with {@code VACUUM INTO} while open: all
     * three copies and a fresh replica insert rows with keys left to SQLite, and every replica ends with all of them.
     */
    @Test
    void copiesBecomeNewSitesAndLoseNothing() throws Exception {
        Path a = dir.resolve("a.db");
        try (Connection c = open(a)) {
            exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT, n INTEGER)");
            insert(c, "a", 5);
            sync(c);
        }
        Files.copy(a, dir.resolve("b.db"));
        try (Connection ca = open(a); Connection cb = open(dir.resolve("b.db")); Connection cd = open(dir.resolve("d.db"))) {
            exec(ca, "VACUUM INTO '" + dir.resolve("c.db") + "'");
            exec(cd, "CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT, n INTEGER)");
            try (Connection cc = open(dir.resolve("c.db"))) {
                List<Connection> all = List.of(ca, cb, cc, cd);
                assertEquals(4, all.stream().map(Incarnations::site).distinct().count(), "every copy is a site of its own");
                // the copies insert before their first round: over a hub their keys use the provisional tag of their
                // new site ids until then, which another replica may have drawn too (about 1 in 340 for these four,
                // docs/keys-and-gate.md); rows that got one key are told apart and the loser comes back under a new key
                insert(ca, "a", 20);
                insert(cb, "b", 20);
                insert(cc, "c", 20);
                insert(cd, "d", 20);
                converge(all, 5 + 4 * 20);
            }
        }
    }

    /** A backup restored by putting the backup file in place of the database (a new file: mv, a restore tool). */
    @Test
    void replicaRestoredAsANewFileGetsBackWhatItPublishedAfterTheBackup() throws Exception {
        restoreScenario(false);
    }

    /** A backup copied over the database file (same file, older content: {@code cp backup.db app.db}). */
    @Test
    void replicaRestoredInPlaceGetsBackWhatItPublishedAfterTheBackup() throws Exception {
        restoreScenario(true);
    }

    /**
     * A replica restored from a copy taken before it published more: it gets back what it published after the copy,
     * and what it writes after the restore never reuses a version or key it had used (it is a new site).
     */
    private void restoreScenario(boolean inPlace) throws Exception {
        Path a = dir.resolve("a.db");
        Path backup = dir.resolve("backup.db");
        String before;
        try (Connection c = open(a); Connection peer = open(dir.resolve("p.db"))) {
            before = site(c);
            exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT, n INTEGER)");
            exec(peer, "CREATE TABLE t(id INTEGER PRIMARY KEY, who TEXT, n INTEGER)");
            insert(c, "a", 5);
            sync(c);
            exec(c, "VACUUM INTO '" + backup + "'");
            insert(c, "a-after-backup", 10);
            exec(c, "UPDATE t SET n = -1 WHERE who = 'a'");
            sync(c);
            converge(List.of(c, peer), 15);
        }
        Files.deleteIfExists(dir.resolve("a.db-wal"));
        Files.deleteIfExists(dir.resolve("a.db-shm"));
        if (inPlace) {
            Files.write(a, Files.readAllBytes(backup)); // truncates and rewrites the same file, as cp does
        } else {
            Files.move(backup, a, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + a)) {
            assertEquals(5, count(plain, "true"), "the restored file holds what the backup held");
        }
        try (Connection c = open(a); Connection peer = open(dir.resolve("p.db"))) {
            assertNotEquals(before, site(c), "a restored file is a new site");
            exec(c, "UPDATE t SET n = 7 WHERE who = 'a'");
            insert(c, "a-after-restore", 10);
            converge(List.of(c, peer), 25);
            assertEquals(5, count(c, "who = 'a' AND n = 7"), "the writes made after the restore win over the older ones");
        }
    }

    private Connection open(Path file) throws SQLException {
        return DriverManager.getConnection(url(file));
    }

    private static String site(Connection c) {
        try {
            return c.unwrap(SyncConnection.class).siteId();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void insert(Connection c, String who, int rows) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO t(who, n) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, who);
                ps.setInt(2, i);
                ps.executeUpdate();
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void sync(Connection c) throws SQLException {
        c.unwrap(SyncConnection.class).syncNow();
    }

    private static int count(Connection c, String where) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t WHERE " + where)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String dump(Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, who, n FROM t ORDER BY id")) {
            while (rs.next()) b.append(rs.getLong(1)).append('|').append(rs.getString(2)).append('|').append(rs.getInt(3)).append('\n');
        }
        return b.toString();
    }

    /**
     * Sync rounds on every replica until all hold {@code rows} rows and the same data. A row that lost its key to a row
     * another replica created with the same key is written back under a new key through the way out, as an application
     * would ({@code SyncConnection.restoreConflict}).
     */
    private static void converge(List<Connection> all, int rows) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (true) {
            for (Connection c : all) sync(c);
            for (Connection c : all) {
                SyncConnection sc = c.unwrap(SyncConnection.class);
                for (io.syncsqlite.Conflict lost : sc.conflicts(100)) {
                    assertEquals(lost.key(), lost.winner(), "only rows that lost their key are conflicts here: " + lost);
                    sc.restoreConflict(lost.id(), java.util.Map.of());
                }
            }
            List<String> dumps = new ArrayList<>();
            for (Connection c : all) dumps.add(dump(c));
            if (dumps.stream().distinct().count() == 1 && count(all.get(0), "true") == rows) return;
            if (System.nanoTime() > deadline) {
                List<Integer> counts = new ArrayList<>();
                for (Connection c : all) counts.add(count(c, "true"));
                throw new AssertionError("replicas did not converge to " + rows + " rows within " + CONVERGE + ": rows per replica " + counts);
            }
        }
    }
}
