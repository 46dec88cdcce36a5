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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key block tags handed out through the shared folder: never one tag for two sites, the same tag for a site asking again. */
class NasKeyTagsTest {
    @TempDir
    Path dir;

    @Test
    void sitesClaimingAtOnceGetDistinctTagsAndTheirOwnAgain() throws Exception {
        Path folder = Files.createDirectory(dir.resolve(KeyTagFiles.FOLDER));
        int sites = 12;
        ExecutorService pool = Executors.newFixedThreadPool(sites);
        List<Integer> granted = new ArrayList<>();
        try {
            List<Callable<Integer>> claims = new ArrayList<>();
            for (int i = 0; i < sites; i++) {
                String site = String.format("%032x", i + 1);
                claims.add(() -> KeyTagFiles.claim(folder, site, 7).getAsInt()); // every site wishes for the same tag
            }
            for (Future<Integer> f : pool.invokeAll(claims)) granted.add(f.get());
        } finally {
            pool.shutdown();
        }
        assertEquals(sites, new HashSet<>(granted).size(), "distinct tags: " + granted);
        assertTrue(granted.contains(7), "one site got its wish: " + granted);
        for (int i = 0; i < sites; i++) assertEquals(OptionalInt.of(granted.get(i)), KeyTagFiles.claim(folder, String.format("%032x", i + 1), 1));
    }

    @Test
    void replicasOfAFolderInsertIntKeysInBlocksOfTheirOwn() throws Exception {
        Path share = Files.createDirectory(dir.resolve("share"));
        Set<Long> blocks = new HashSet<>();
        List<Connection> replicas = new ArrayList<>();
        try {
            for (String name : List.of("a", "b", "c")) {
                Path db = dir.resolve(name + ".db");
                try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + db); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)");
                }
                Connection c = DriverManager.getConnection(NasReplica.url(db, share, "keys", "1h"));
                replicas.add(c);
                c.unwrap(io.syncsqlite.SyncConnection.class).syncNow();
                try (Statement s = c.createStatement()) {
                    for (int i = 0; i < 10; i++) s.executeUpdate("INSERT INTO item(name) VALUES ('" + name + i + "')");
                }
            }
            for (int round = 0; round < 2; round++) for (Connection c : replicas) c.unwrap(io.syncsqlite.SyncConnection.class).syncNow();
            for (Connection c : replicas) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id), max(id) FROM item")) {
                    rs.next();
                    assertEquals(30, rs.getInt(1));
                    assertEquals(30, rs.getInt(2));
                    assertTrue(rs.getLong(3) < 1L << 31);
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT id / 1048576 FROM item")) {
                    while (rs.next()) blocks.add(rs.getLong(1));
                }
            }
            assertEquals(3, blocks.size(), "a block per replica: " + blocks);
            try (var files = Files.list(share.resolve("keys").resolve(KeyTagFiles.FOLDER))) {
                assertEquals(3, files.count(), "one claim file per replica");
            }
        } finally {
            for (Connection c : replicas) c.close();
        }
    }

    /**
     * A fresh replica of a shared folder keys its first rows in a block it claimed in the folder, before any sync round
     * (its engine's first round is an interval away): it never keys rows with its provisional tag, which another fresh
     * replica may have drawn too (their rows would then share keys and the merge would fuse them).
     */
    @Test
    void aFreshReplicaClaimsItsTagBeforeItsFirstKey() throws Exception {
        Path share = Files.createDirectory(dir.resolve("share"));
        try (Connection c = DriverManager.getConnection(NasReplica.url(dir.resolve("fresh.db"), share, "early", "1h")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)");
            s.executeUpdate("INSERT INTO item(name) VALUES ('first')");
            long tag;
            try (ResultSet rs = s.executeQuery("SELECT id / 1048576 FROM item")) {
                rs.next();
                tag = rs.getLong(1);
            }
            assertEquals(0, c.unwrap(io.syncsqlite.SyncConnection.class).status().rounds(), "no round ran yet");
            Path claim = share.resolve("early").resolve(KeyTagFiles.FOLDER).resolve(Long.toString(tag));
            assertTrue(Files.exists(claim), "the first key's block is claimed in the folder: " + claim);
            assertEquals(c.unwrap(io.syncsqlite.SyncConnection.class).siteId(), Files.readString(claim));
        }
    }
}
