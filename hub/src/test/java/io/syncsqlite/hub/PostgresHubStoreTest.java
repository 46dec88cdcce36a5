package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL store against a real PostgreSQL ({@link TestPostgres}): what every store does
 * ({@link HubStoreContract}; its backup is a copy of the database made with {@code CREATE DATABASE … TEMPLATE}), and
 * what only a shared database needs: a schema created once however many hubs open it at once, and a database restored
 * under a running hub noticed at its next push.
 */
class PostgresHubStoreTest extends HubStoreContract {
    private String database;

    @BeforeEach
    void newDatabase() throws Exception {
        database = TestPostgres.newDatabase();
    }

    @Override
    HubStore open() throws Exception {
        return TestPostgres.open(database);
    }

    @Override
    void backUp() throws Exception {
        TestPostgres.admin("CREATE DATABASE " + database + "_backup TEMPLATE " + database);
    }

    @Override
    void restoreBackup() throws Exception {
        TestPostgres.admin("DROP DATABASE " + database, "CREATE DATABASE " + database + " TEMPLATE " + database + "_backup");
    }

    @Test
    void hubsOpeningTheStoreAtOnceCreateItsSchemaOnceAndShareOneHistory() throws Exception {
        List<HubStore> stores = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> openers = new java.util.ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    stores.add(open());
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            t.start();
            openers.add(t);
        }
        for (Thread t : openers) t.join();
        try {
            assertEquals(List.of(), failures);
            assertEquals(1, stores.stream().map(s -> s.epoch().substring(0, 32)).distinct().count(), "one store id");
            assertEquals(4, stores.stream().map(HubStore::epoch).distinct().count(), "a generation per hub");
            long hlc = Hlc.now();
            HubStore.PushOutcome pushed = stores.get(0).push("a", "b1", new Changeset(SITE, List.of(cell("x", 1L, hlc))));
            for (HubStore s : stores) {
                assertEquals(pushed.seq(), s.head("a"));
                assertTrue(s.knows(stores.get(0).epoch(), pushed.seq()), "any hub knows what another told its client");
                assertEquals(1, s.pull("a", 0, 100).changes().size());
            }
            try (Connection c = DriverManager.getConnection(TestPostgres.url(database), "postgres", null); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM hub_schema")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the schema was created once");
            }
        } finally {
            for (HubStore s : stores) s.close();
        }
    }

    @Test
    void aPullThroughAnotherHubIsKnownToEveryHub() throws Exception {
        long hlc = Hlc.now();
        try (HubStore one = open(); HubStore two = open()) {
            HubStore.PushOutcome pushed = one.push("a", "b1", new Changeset(SITE, List.of(cell("x", 1L, hlc))));
            // the client pulls from two: its cursor is two's generation at a sequence one assigned
            HubStore.Page page = two.pull("a", 0, 100);
            assertEquals(pushed.seq(), page.next());
            assertTrue(one.knows(two.epoch(), page.next()), "two recorded what it told before telling it");
        }
    }

    @Test
    void aDatabaseRestoredUnderARunningHubIsNoticedAtItsNextPush() throws Exception {
        long hlc = Hlc.now();
        try (HubStore store = open()) {
            for (int i = 0; i < 3; i++) store.push("a", "b" + i, new Changeset(SITE, List.of(cell("c" + i, (long) i, hlc + i))));
            String before = store.epoch();
            long seen = store.push("a", "b3", new Changeset(SITE, List.of(cell("c3", 3L, hlc + 3)))).seq();
            // the operator restores an older state of the generation's row while the hub runs (as a restore of the
            // database from a backup taken before that push would)
            try (Connection c = DriverManager.getConnection(TestPostgres.url(database), "postgres", null); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE hub_generations SET last_seq = last_seq - 1 WHERE gen = '" + before.substring(33) + "'");
            }
            for (int i = 4; i < 10; i++) store.push("a", "b" + i, new Changeset(SITE, List.of(cell("c" + i, (long) i, hlc + i))));
            assertNotEquals(before, store.epoch(), "a new generation started");
            assertFalse(store.knows(before, seen), "a client that saw the lost push is told, however far later pushes went");
            assertTrue(store.knows(store.epoch(), store.head("a")));
        }
    }
}
