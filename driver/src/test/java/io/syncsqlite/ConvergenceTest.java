package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas that saw the same changes, in any order and any number of times, hold the same data. */
class ConvergenceTest {
    private static final String SCHEMA = "CREATE TABLE item(id TEXT PRIMARY KEY, name TEXT, qty INTEGER, price REAL, tag BLOB)";

    @TempDir
    Path dir;

    @Test
    void concurrentEditsToDifferentColumnsOfOneRowBothSurvive() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec(SCHEMA);
            b.exec(SCHEMA);
            a.exec("INSERT INTO item VALUES ('k', 'pen', 1, 1.0, NULL)");
            deliver(a.drain(), b);
            a.exec("UPDATE item SET name = 'fountain pen' WHERE id = 'k'");
            b.exec("UPDATE item SET qty = 7 WHERE id = 'k'");
            List<Changeset> fromA = a.drain();
            List<Changeset> fromB = b.drain();
            assertEquals(1, fromA.get(0).size(), "an update publishes only the cell it changed: " + fromA);
            assertEquals("qty", fromB.get(0).changes().get(0).column());
            deliver(fromB, a);
            deliver(fromA, b);
            assertEquals("id=k:String name=fountain pen:String qty=7:Integer price=1.0:Double tag=null \n", a.dump("item"));
            assertEquals(a.dump("item"), b.dump("item"));
        }
    }

    @Test
    void deleteBeatsConcurrentUpdateAndLaterInsertResurrects() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec(SCHEMA);
            b.exec(SCHEMA);
            a.exec("INSERT INTO item VALUES ('k', 'pen', 1, 1.0, NULL)");
            deliver(a.drain(), b);
            a.exec("DELETE FROM item WHERE id = 'k'");
            b.exec("UPDATE item SET qty = 99 WHERE id = 'k'"); // later wall clock, but concurrent with the delete
            List<Changeset> fromA = a.drain();
            List<Changeset> fromB = b.drain();
            deliver(fromA, b);
            deliver(fromB, a);
            assertEquals("", a.dump("item"));
            assertEquals("", b.dump("item"));
            b.exec("INSERT INTO item VALUES ('k', 'new pen', 2, 3.5, x'ff')");
            deliver(b.drain(), a);
            assertEquals("id=k:String name=new pen:String qty=2:Integer price=3.5:Double tag=x'ff':byte[] \n", a.dump("item"));
            assertEquals(a.dump("item"), b.dump("item"));
        }
    }

    @RepeatedTest(5)
    void threeReplicasWithRandomEditsAndRandomDeliveryConverge() throws Exception {
        converge(SCHEMA, "item", ConvergenceTest::randomEdits);
    }

    @RepeatedTest(5)
    void compositeKeysConvergeToo() throws Exception {
        converge("CREATE TABLE pair(a INTEGER, b TEXT, v TEXT, w INTEGER, PRIMARY KEY (a, b))", "pair", (db, r, count) -> {
            for (int n = 0; n < count; n++) {
                String key = "a = " + r.nextInt(4) + " AND b = 'b" + r.nextInt(4) + "'";
                switch (r.nextInt(5)) {
                    case 0, 1 -> db.exec("INSERT OR REPLACE INTO pair VALUES (" + r.nextInt(4) + ", 'b" + r.nextInt(4) + "', 'v" + r.nextInt(99) + "', " + r.nextInt(9) + ")");
                    case 2 -> db.exec("UPDATE pair SET v = 'u" + r.nextInt(99) + "' WHERE " + key);
                    case 3 -> db.exec("DELETE FROM pair WHERE " + key);
                    default -> db.exec("UPDATE OR IGNORE pair SET b = 'b" + r.nextInt(4) + "', w = w + 1 WHERE " + key);
                }
            }
        });
    }

    /** Random local edits of one replica. */
    private interface Edits {
        void apply(TestDb db, Random r, int count) throws Exception;
    }

    private void converge(String schema, String table, Edits edits) throws Exception {
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        List<TestDb> dbs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                TestDb db = new TestDb(dir.resolve("r" + i + ".db"));
                db.exec(schema);
                dbs.add(db);
            }
            List<List<Changeset>> published = new ArrayList<>();
            for (int i = 0; i < 3; i++) published.add(new ArrayList<>());
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < 3; i++) {
                    edits.apply(dbs.get(i), random, 15);
                    published.get(i).addAll(dbs.get(i).drain());
                }
                // each replica receives a random subset of everything published so far, shuffled, some twice
                for (int i = 0; i < 3; i++) {
                    List<Changeset> inbox = new ArrayList<>();
                    for (int j = 0; j < 3; j++) if (j != i) inbox.addAll(published.get(j));
                    Collections.shuffle(inbox, random);
                    for (Changeset cs : inbox.subList(0, random.nextInt(inbox.size() + 1))) dbs.get(i).apply(cs);
                }
            }
            // final exchange: everyone gets everything, in yet another order
            for (int i = 0; i < 3; i++) {
                List<Changeset> inbox = new ArrayList<>();
                for (int j = 0; j < 3; j++) if (j != i) inbox.addAll(published.get(j));
                Collections.shuffle(inbox, random);
                deliver(inbox, dbs.get(i));
            }
            String expected = dbs.get(0).dump(table);
            assertTrue(expected.length() > 0, "seed " + seed);
            for (TestDb db : dbs) assertEquals(expected, db.dump(table), "replicas diverged, seed " + seed);
        } finally {
            for (TestDb db : dbs) db.close();
        }
    }

    private static void randomEdits(TestDb db, Random r, int count) throws Exception {
        for (int n = 0; n < count; n++) {
            String key = "k" + r.nextInt(12);
            switch (r.nextInt(6)) {
                case 0, 1 -> db.exec("INSERT OR REPLACE INTO item VALUES ('" + key + "', 'n" + r.nextInt(100) + "', " + r.nextInt(50) + ", "
                        + r.nextInt(1000) / 10.0 + ", x'" + String.format("%02x", r.nextInt(256)) + "')");
                case 2 -> db.exec("UPDATE item SET name = 'u" + r.nextInt(100) + "' WHERE id = '" + key + "'");
                case 3 -> db.exec("UPDATE item SET qty = qty + 1, price = NULL WHERE id = '" + key + "'");
                case 4 -> db.exec("DELETE FROM item WHERE id = '" + key + "'");
                default -> db.exec("UPDATE OR IGNORE item SET id = 'k" + r.nextInt(12) + "x' WHERE id = '" + key + "'");
            }
        }
    }

    private static void deliver(List<Changeset> changesets, TestDb to) throws Exception {
        for (Changeset cs : changesets) to.apply(cs);
    }
}
