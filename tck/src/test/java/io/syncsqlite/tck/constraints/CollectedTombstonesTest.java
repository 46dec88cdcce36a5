package io.syncsqlite.tck.constraints;

import static io.syncsqlite.tck.constraints.Transports.count;
import static io.syncsqlite.tck.constraints.Transports.dump;
import static io.syncsqlite.tck.constraints.Transports.exec;
import static io.syncsqlite.tck.constraints.Transports.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.Compaction;
import io.syncsqlite.SyncConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tombstones of deleted rows are collected once every site has seen the deletes (docs/write-cost.md), and a collected
 * tombstone never lets a deleted row come back: not through a replica that was away and edited the rows meanwhile, not
 * into a replica that joins later. A key inserted again after its tombstone was collected still reaches a replica that
 * holds the tombstone. Over every transport: those that can tell when every site has seen a delete (memory, http, ws)
 * collect; a shared folder (nas) keeps its tombstones.
 */
class CollectedTombstonesTest {
    private static final String[] SCHEMA = {
        "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER)",
        "CREATE TABLE tag(name TEXT PRIMARY KEY, color TEXT)",
    };

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"memory", "nas", "http", "ws"})
    void aCollectedTombstoneNeverLetsADeletedRowComeBack(String transport) throws Exception {
        boolean collects = !transport.equals("nas");
        try (Transports t = new Transports(transport, dir);
             Connection a = open(t.url("a")); Connection b = open(t.url("b")); Connection away = open(t.url("away"))) {
            for (Connection c : List.of(a, b, away)) exec(c, SCHEMA);
            exec(a, "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 10) INSERT INTO item(name, qty) SELECT 'item ' || v, v FROM n",
                    "INSERT INTO tag VALUES ('red', '#f00'), ('blue', '#00f')");
            List<Connection> all = List.of(a, b, away);
            assertTrue(Transports.syncUntil(all, 30_000, () -> count(away, "SELECT count(*) FROM item") == 10 && count(b, "SELECT count(*) FROM tag") == 2));

            // one replica goes away and edits rows the others then delete
            exec(away, "UPDATE item SET qty = qty + 100 WHERE id IN (SELECT id FROM item ORDER BY id LIMIT 3)", "UPDATE tag SET color = 'crimson' WHERE name = 'red'");
            exec(a, "DELETE FROM item WHERE id IN (SELECT id FROM item ORDER BY id LIMIT 5)", "DELETE FROM tag WHERE name = 'red'");
            assertTrue(Transports.syncUntil(List.of(a, b), 30_000, () -> count(b, "SELECT count(*) FROM item") == 5));
            long whileAway = compact(a).tombstones() + compact(b).tombstones();
            // the hub keeps the deletes for the replica that is away; the memory log waits for it, as does a shared folder
            if (transport.equals("http") || transport.equals("ws")) {
                assertTrue(whileAway > 0, "collected while one replica was away: " + whileAway);
                assertTrue(tombstones(a, "tag") == 0 && tombstones(b, "tag") == 0);
            } else {
                assertEquals(0, whileAway);
            }

            // it comes back: it gets the deletes, and its edits of the deleted rows bring nothing back anywhere
            assertTrue(Transports.syncUntil(all, 30_000, () -> dump(away, "item").equals(dump(a, "item")) && dump(away, "tag").equals(dump(a, "tag"))
                    && dump(b, "item").equals(dump(a, "item")) && dump(b, "tag").equals(dump(a, "tag"))));
            long[] collected = {0};
            assertTrue(Transports.syncUntil(all, 30_000, () -> {
                for (Connection c : all) collected[0] += compact(c).tombstones();
                return !collects || all.stream().allMatch(c -> tombstones(c, "tag") == 0);
            }));
            assertTrue(collects ? collected[0] + whileAway >= 12 : collected[0] == 0, transport + " collected " + collected[0]);
            assertEquals(5, count(a, "SELECT count(*) FROM item"));
            assertEquals("blue:String|#00f:String", dump(a, "tag"));
            for (Connection c : all) {
                assertTrue(same(c, a));
                if (collects) {
                    // the greatest key of the block stays marked, so a new key never reuses a deleted one
                    assertTrue(tombstones(c, "item") <= 1, "item tombstones left: " + tombstones(c, "item"));
                } else {
                    assertEquals(5, tombstones(c, "item"));
                    assertEquals(1, tombstones(c, "tag"));
                }
            }

            // a key inserted again after its tombstone was collected beats the tombstone a replica may still hold
            exec(a, "INSERT INTO tag VALUES ('red', 'scarlet')", "INSERT INTO item(name, qty) VALUES ('new', 1)");
            try (Connection late = open(t.url("late"))) {
                exec(late, SCHEMA);
                List<Connection> five = List.of(a, b, away, late);
                assertTrue(Transports.syncUntil(five, 30_000, () -> five.stream().allMatch(c -> same(c, a))));
                assertEquals("blue:String|#00f:String\nred:String|scarlet:String", dump(late, "tag"));
                assertEquals(6, count(late, "SELECT count(*) FROM item"));
                assertTrue(count(a, "SELECT max(id) FROM item WHERE name = 'new'") > count(a, "SELECT max(id) FROM item WHERE name <> 'new'"));
            }
        }
    }

    private static boolean same(Connection c, Connection reference) {
        try {
            return dump(c, "item").equals(dump(reference, "item")) && dump(c, "tag").equals(dump(reference, "tag"));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Compaction compact(Connection c) throws Exception {
        return c.unwrap(SyncConnection.class).compact();
    }

    /** Version rows of deleted rows of {@code table} (an even causal length). */
    private static long tombstones(Connection c, String table) {
        try {
            return countTombstones(c, table);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long countTombstones(Connection c, String table) throws java.sql.SQLException {
        long id = count(c, "SELECT id FROM _syncsqlite_tables WHERE name = '" + table + "'");
        return count(c, "SELECT count(*) FROM _syncsqlite_v" + id + " WHERE cl % 2 = 0");
    }
}
