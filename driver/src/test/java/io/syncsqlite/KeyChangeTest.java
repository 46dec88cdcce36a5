package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented meaning of changing a primary key: the row under the old key is deleted and a row under the new key
 * is inserted. Concurrent work on the old key meets a delete (the delete wins); two replicas that re-key one row
 * create two rows. Every replica reaches the same state, whatever the order of delivery.
 */
class KeyChangeTest {
    private static final String SCHEMA = "CREATE TABLE item(id TEXT PRIMARY KEY, name TEXT, qty INTEGER)";

    @TempDir
    Path dir;

    @Test
    void aKeyChangeIsADeleteAndAnInsertAndAConcurrentEditOfTheOldKeyMeetsTheDelete() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            start(a, b);
            a.exec("UPDATE item SET id = 'k2' WHERE id = 'k'");
            b.exec("UPDATE item SET qty = 99 WHERE id = 'k'"); // concurrent, and later by the wall clock
            exchange(a, b);
            assertEquals("id=k2:String name=pen:String qty=1:Integer \n", a.dump("item"));
            assertEquals(a.dump("item"), b.dump("item"));
        }
    }

    @Test
    void oneRowReKeyedOnTwoReplicasBecomesTwoRowsEverywhere() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            start(a, b);
            a.exec("UPDATE item SET id = 'from-a' WHERE id = 'k'");
            b.exec("UPDATE item SET id = 'from-b', qty = 5 WHERE id = 'k'");
            exchange(a, b);
            assertEquals("id=from-a:String name=pen:String qty=1:Integer \nid=from-b:String name=pen:String qty=5:Integer \n", a.dump("item"));
            assertEquals(a.dump("item"), b.dump("item"));
        }
    }

    private static void start(TestDb a, TestDb b) throws SQLException {
        a.exec(SCHEMA);
        b.exec(SCHEMA);
        a.exec("INSERT INTO item VALUES ('k', 'pen', 1)");
        for (Changeset cs : a.drain()) b.apply(cs);
    }

    /** Both directions, each replica's changes drained before either applies: the edits were concurrent. */
    private static void exchange(TestDb a, TestDb b) throws SQLException {
        List<Changeset> fromA = a.drain();
        List<Changeset> fromB = b.drain();
        for (Changeset cs : fromA) b.apply(cs);
        for (Changeset cs : fromB) a.apply(cs);
    }
}
