package io.syncsqlite.keys;

import static io.syncsqlite.keys.IntIds.exec;
import static io.syncsqlite.keys.IntIds.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.capture.RowidKeySql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys the driver chooses fit Java's int, never collide across replicas, and say so long before they stop fitting. */
class IntKeysTest {
    private static final long INT_LIMIT = 1L << 31;

    @TempDir
    Path dir;

    private Connection open(String name, String ns, String more) throws SQLException {
        return DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h" + more);
    }

    /**
     * The key the driver chooses is one more than the highest used in its block, found by subqueries over the table
     * itself: names the key SQL uses inside (a block start, a CTE) must not be taken for the table's own columns or name.
     * Once captured deletes were folded later, nothing else hid the mistake: the second insert into such a table took
     * the first one's key.
     */
    @Test
    void aTableWhoseNamesMeetTheKeySqlsOwnGetsNewKeys() throws Exception {
        for (String table : new String[] {"u(id INTEGER PRIMARY KEY, b INTEGER, p INTEGER, s INTEGER, tag INTEGER)", "k(id INTEGER PRIMARY KEY, v TEXT)"}) {
            String name = table.substring(0, table.indexOf('('));
            try (Connection c = open(name + ".db", "names-" + System.nanoTime(), "");
                 Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name + ".db"))) {
                exec(c, "CREATE TABLE " + table);
                for (int i = 0; i < 3; i++) {
                    exec(c, "INSERT INTO " + name + "(id) VALUES (NULL)");
                    exec(plain, "INSERT INTO " + name + "(id) VALUES (NULL)"); // the capture trigger's own key
                }
                assertEquals(6, scalar(c, "SELECT count(DISTINCT id) FROM " + name), name);
                assertTrue(scalar(c, "SELECT min(id) FROM " + name) > RowidKeySql.BLOCK, name + ": keys of this replica's block");
            }
        }
    }

    /**
     * Every INSERT into a table keyed by an {@code INTEGER PRIMARY KEY} fires the trigger that gives rows other writers
     * leave without a key a cross-replica key, and SQLite allocates, zeroes and releases the registers of that trigger's
     * whole program on every execution, whatever its {@code WHEN} says: the program's size is paid by each row. EXPLAIN
     * lists the statement's program followed by its triggers' (measured: 1,007 opcodes while the key SQL was copied into
     * every use of its columns, 459 with each lookup written once; 19 without capture).
     */
    @Test
    void anInsertWithItsKeyRunsASmallProgram() throws Exception {
        try (Connection c = open("size.db", "size-" + System.nanoTime(), "");
             Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("size.db"))) {
            exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, note TEXT, category INTEGER)");
            int opcodes = 0;
            try (java.sql.Statement s = plain.createStatement(); java.sql.ResultSet rs = s.executeQuery("EXPLAIN INSERT INTO item(id, name) VALUES (1, 'a')")) {
                while (rs.next()) opcodes++;
            }
            assertTrue(opcodes < 600, "the INSERT and its capture triggers take " + opcodes + " opcodes");
        }
    }

    @Test
    void replicasInsertingConcurrentlyGetIntKeysThatNeverCollide() throws Exception {
        String ns = "intkeys-" + System.nanoTime();
        int replicas = 4;
        int rows = 250;
        List<Connection> conns = new ArrayList<>();
        try {
            for (int r = 0; r < replicas; r++) {
                Connection c = open("r" + r + ".db", ns, "");
                conns.add(c);
                exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)");
                c.unwrap(SyncConnection.class).syncNow(); // the first round coordinates this replica's key block
            }
            IntIds.insertConcurrently(conns, rows);
            for (int round = 0; round < 2; round++) for (Connection c : conns) c.unwrap(SyncConnection.class).syncNow();
            Set<Long> blocks = new HashSet<>();
            for (Connection c : conns) {
                assertEquals(replicas * rows, scalar(c, "SELECT count(*) FROM item"), "no row replaced another one with the same key");
                assertEquals(replicas * rows, scalar(c, "SELECT count(DISTINCT name) FROM item"));
                assertTrue(scalar(c, "SELECT max(id) FROM item") < INT_LIMIT);
                assertEquals(1, scalar(c, "SELECT count(DISTINCT id / " + RowidKeySql.BLOCK + ") FROM item WHERE name LIKE 'r" + conns.indexOf(c) + "-%'"),
                        "each replica's rows share its block");
                blocks.add(scalar(c, "SELECT min(id) / " + RowidKeySql.BLOCK + " FROM item WHERE name LIKE 'r" + conns.indexOf(c) + "-%'"));
            }
            assertEquals(replicas, blocks.size(), "every replica was granted a block of its own: " + blocks);
        } finally {
            for (Connection c : conns) c.close();
        }
    }

    @Test
    void offlineRowsKeepTheProvisionalBlockThatCoordinationGrants() throws Exception {
        Path file = dir.resolve("offline.db");
        String site;
        long first;
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file)) {
            exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO item(name) VALUES ('offline')");
            site = c.unwrap(SyncConnection.class).siteId();
            first = scalar(c, "SELECT id FROM item");
        }
        assertEquals(KeyScheme.provisionalTag(site) * RowidKeySql.BLOCK + 1, first, "never online: the provisional block");
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=offline-" + System.nanoTime()
                + "&sync.interval=1h")) {
            c.unwrap(SyncConnection.class).syncNow();
            exec(c, "INSERT INTO item(name) VALUES ('online')");
            assertEquals(first + 1, scalar(c, "SELECT id FROM item WHERE name = 'online'"), "the free provisional tag was granted");
        }
    }

    @Test
    void aCoordinatorGrantsTheWishOrTheLowestFreeTagAndTheSameTagAgain() throws Exception {
        io.syncsqlite.spi.Transport t = new io.syncsqlite.transport.memory.MemoryTransportProvider().open(new io.syncsqlite.spi.TransportContext(
                io.syncsqlite.config.SyncConfig.of(java.util.Map.of("sync.namespace", "tags-" + System.nanoTime())), "s0", dir));
        assertEquals(OptionalInt.of(5), t.claimKeyTag("s1", 5));
        assertEquals(OptionalInt.of(1), t.claimKeyTag("s2", 5));
        assertEquals(OptionalInt.of(2), t.claimKeyTag("s3", 1));
        assertEquals(OptionalInt.of(5), t.claimKeyTag("s1", 7), "asked again: its own tag");
    }

    @Test
    void aNearlyFullBlockRaisesAnErrorEventAndItsKeysGoOnBeyondIt() throws Exception {
        String ns = "full-" + System.nanoTime();
        try (Connection c = open("full.db", ns, "")) {
            exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)");
            SyncConnection sync = c.unwrap(SyncConnection.class);
            sync.syncNow();
            exec(c, "INSERT INTO item(name) VALUES ('first')");
            long base = scalar(c, "SELECT id FROM item") - 1;
            List<SyncEvent> errors = new CopyOnWriteArrayList<>();
            sync.addListener(e -> {
                if (e.type() == SyncEvent.Type.ERROR) errors.add(e);
            });
            exec(c, "INSERT INTO item VALUES (" + (base + KeyBlocks.WARN_AT - 1) + ", 'explicit')");
            sync.syncNow();
            assertEquals(List.of(), errors, "below three quarters nothing is said");
            exec(c, "INSERT INTO item(name) VALUES ('three quarters')");
            assertEquals(base + KeyBlocks.WARN_AT, scalar(c, "SELECT id FROM item WHERE name = 'three quarters'"), "keys are dense");
            sync.syncNow();
            sync.syncNow();
            assertEquals(1, errors.size(), "one ERROR event per table: " + errors);
            assertTrue(errors.get(0).message().contains("\"item\"") && errors.get(0).message().contains("2^31"), errors.get(0).message());
            exec(c, "INSERT INTO item VALUES (" + (base + RowidKeySql.BLOCK - 1) + ", 'last of the block')", "INSERT INTO item(name) VALUES ('spilled')");
            long tag = base / RowidKeySql.BLOCK;
            assertEquals((RowidKeySql.TAGS + tag) * RowidKeySql.SPILL + RowidKeySql.BLOCK, scalar(c, "SELECT id FROM item WHERE name = 'spilled'"));
            exec(c, "INSERT INTO item(name) VALUES ('spilled too')");
            assertEquals((RowidKeySql.TAGS + tag) * RowidKeySql.SPILL + RowidKeySql.BLOCK + 1, scalar(c, "SELECT id FROM item WHERE name = 'spilled too'"));
        }
    }

    @Test
    void wideKeysAreAnOptionAndExistingKeysStay() throws Exception {
        Path file = dir.resolve("wide.db");
        long wide;
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file + "?sync.keys=wide")) {
            exec(c, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO item(name) VALUES ('wide')");
            wide = scalar(c, "SELECT id FROM item");
            assertTrue(wide > 1L << 45, "a wide key: " + wide);
        }
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file)) {
            exec(c, "INSERT INTO item(name) VALUES ('int')");
            assertEquals(wide, scalar(c, "SELECT id FROM item WHERE name = 'wide'"), "an existing key stays");
            assertTrue(scalar(c, "SELECT id FROM item WHERE name = 'int'") < INT_LIMIT);
        }
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:syncsqlite:" + file + "?sync.keys=long"));
        assertTrue(e.getMessage().contains("sync.keys"), e.getMessage());
    }
}
