package io.syncsqlite.tck.constraints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19 cases 1-3 end to end, over every transport: one committed transaction swaps UNIQUE values through a
 * temporary one, hands a value over, reverses a list under {@code UNIQUE(pos)}, soft-deletes a row under a partial
 * index and reuses its value, reorders a list under a composite {@code UNIQUE(list, pos)} that includes a key column,
 * and swaps spellings under {@code UNIQUE(lower(email))}. Every replica (the writer, one that had the rows, a fresh
 * one) ends with the writer's rows, with no conflict recorded, nothing pending and no row lost.
 */
class BatchAsAUnitOverTransportsTest {
    private static final String[] SCHEMA = {
        "CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
        "CREATE TABLE item(id TEXT PRIMARY KEY, pos INTEGER NOT NULL UNIQUE)",
        "CREATE TABLE soft(id TEXT PRIMARY KEY, email TEXT, deleted INTEGER NOT NULL DEFAULT 0)",
        "CREATE UNIQUE INDEX soft_live_email ON soft(email) WHERE deleted = 0",
        "CREATE TABLE entry(list TEXT, item TEXT, pos INTEGER NOT NULL, PRIMARY KEY (list, item), UNIQUE (list, pos))",
        "CREATE TABLE lowered(id TEXT PRIMARY KEY, email TEXT NOT NULL)",
        "CREATE UNIQUE INDEX lowered_email ON lowered(lower(email))",
    };
    private static final List<String> TABLES = List.of("u", "item", "soft", "entry", "lowered");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"memory", "nas", "http", "ws"})
    void aBatchValidWhereItWasCommittedAppliesEverywhere(String transport) throws Exception {
        try (Transports group = new Transports(transport, dir);
             Connection a = Transports.open(group.url("a"));
             Connection b = Transports.open(group.url("b"))) {
            Transports.exec(a, SCHEMA);
            Transports.exec(b, SCHEMA);
            Transports.exec(a, "INSERT INTO u VALUES ('a', 'x'), ('b', 'y'), ('c', 'w'), ('d', 'v')",
                    "INSERT INTO item VALUES ('i1', 1), ('i2', 2), ('i3', 3), ('i4', 4), ('i5', 5)",
                    "INSERT INTO soft VALUES ('b', 'e@x', 0)",
                    "INSERT INTO entry VALUES ('l', 'a', 1), ('l', 'b', 2), ('l', 'c', 3), ('l', 'd', 4)",
                    "INSERT INTO lowered VALUES ('a', 'Ann@X'), ('b', 'Bob@X'), ('c', 'Cy@X')");
            assertTrue(Transports.syncUntil(List.of(a, b), 60_000, () -> same(a, b)), "b has the rows before the batch");

            Transports.inOneTransaction(a,
                    "UPDATE u SET email = 'tmp' WHERE id = 'a'", "UPDATE u SET email = 'x' WHERE id = 'b'", "UPDATE u SET email = 'y' WHERE id = 'a'",
                    "UPDATE u SET email = 'z' WHERE id = 'd'", "UPDATE u SET email = 'v' WHERE id = 'c'",
                    "UPDATE item SET pos = pos + 100", "UPDATE item SET pos = 6 - (pos - 100)",
                    "UPDATE soft SET deleted = 1 WHERE id = 'b'", "INSERT INTO soft VALUES ('a', 'e@x', 0)",
                    "UPDATE entry SET pos = pos + 10", "UPDATE entry SET pos = 15 - pos",
                    "UPDATE lowered SET email = 'tmp' WHERE id = 'a'", "UPDATE lowered SET email = 'ann@x' WHERE id = 'c'",
                    "UPDATE lowered SET email = 'cy@x' WHERE id = 'b'", "UPDATE lowered SET email = 'BOB@x' WHERE id = 'a'");
            List<String> expected = dumps(a);
            try (Connection fresh = Transports.open(group.url("c"))) {
                Transports.exec(fresh, SCHEMA);
                List<Connection> all = List.of(a, b, fresh);
                boolean settled = Transports.syncUntil(all, 60_000, () -> {
                    for (Connection c : all) if (!dumps(c).equals(expected) || pending(c) > 0) return false;
                    return true;
                });
                for (Connection c : all) {
                    assertEquals(expected, dumps(c), transport + ": every replica holds the writer's rows");
                    assertEquals(0, Transports.count(c, "SELECT count(*) FROM _syncsqlite_conflicts"), transport + ": no conflict");
                    assertEquals(0, pending(c), transport + ": nothing pending");
                }
                assertTrue(settled);
                assertEquals(5, Transports.count(a, "SELECT count(*) FROM item"), "no item lost");
            }
        }
    }

    private static long pending(Connection c) throws Exception {
        return Transports.count(c, "SELECT count(*) FROM _syncsqlite_pending");
    }

    private static boolean same(Connection x, Connection y) throws Exception {
        return dumps(x).equals(dumps(y));
    }

    private static List<String> dumps(Connection c) throws Exception {
        List<String> out = new ArrayList<>();
        for (String t : TABLES) out.add(t + ":\n" + Transports.dump(c, t));
        return out;
    }
}
