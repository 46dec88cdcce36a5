package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.Collation;

/**
 * Issue 10 item 4: the engine's connection sees what the application set up on its own. A UNIQUE index with an
 * application collation used to park every remote change as a "constraint conflict" for good; {@code PRAGMA
 * foreign_keys=ON} on the application's connection was not in force when the engine applied, leaving orphans.
 */
class EngineConnectionSetupTest {
    @TempDir
    Path dir;

    private static final Collation BY_LENGTH = new Collation() {
        @Override
        protected int xCompare(String a, String b) {
            return Integer.compare(a.length(), b.length());
        }
    };

    private String url(String name, String ns) {
        return "jdbc:syncsqlite:" + dir.resolve(name + ".db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    private static void wordSchema(Connection c) throws SQLException {
        Collation.create(c, "BYLENGTH", BY_LENGTH);
        Twins.exec(c, "CREATE TABLE word(id TEXT PRIMARY KEY, w TEXT)", "CREATE UNIQUE INDEX word_len ON word(w COLLATE BYLENGTH)");
    }

    @Test
    void aCollationNoApplicationConnectionRegistersIsAConfigurationErrorUntilTheHookRegistersIt() throws Exception {
        String ns = "collation-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a", ns)); Connection b = DriverManager.getConnection(url("b", ns))) {
            try (Connection schemaOnly = DriverManager.getConnection(url("a", ns))) {
                wordSchema(schemaOnly); // the only application connection of a that registers the collation closes before a syncs
            }
            wordSchema(b);
            SyncConnection syncA = a.unwrap(SyncConnection.class);
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            syncA.addListener(events::add);
            Twins.exec(b, "INSERT INTO word VALUES ('k1', 'abc')");
            b.unwrap(SyncConnection.class).syncNow();
            syncA.syncNow();
            assertEquals(" SELECT count(*) > 0 FROM _syncsqlite_pending -> 1;\n", Twins.query(a, "SELECT count(*) > 0 FROM _syncsqlite_pending"), "kept pending");
            assertTrue(events.stream().anyMatch(e -> e.type() == SyncEvent.Type.ERROR && e.message().contains("BYLENGTH")), "an ERROR naming it: " + events);
            assertTrue(events.stream().noneMatch(e -> e.type() == SyncEvent.Type.CONFLICT), "not a conflict: " + events);

            syncA.onEngineConnection(c -> Collation.create(c, "BYLENGTH", BY_LENGTH));
            syncA.syncNow();
            assertEquals(" SELECT count(*) FROM _syncsqlite_pending -> 0;\n", Twins.query(a, "SELECT count(*) FROM _syncsqlite_pending"), "applied");
            Collation.create(a, "BYLENGTH", BY_LENGTH); // to read the table here
            assertEquals(" SELECT w FROM word -> abc;\n", Twins.query(a, "SELECT w FROM word"));
        }
    }

    @Test
    void foreignKeysSwitchedOnByTheApplicationAreInForceWhenTheEngineApplies() throws Exception {
        String ns = "fk-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a", ns)); Connection b = DriverManager.getConnection(url("b", ns))) {
            for (Connection c : new Connection[] {a, b}) {
                Twins.exec(c, "CREATE TABLE parent(id INTEGER PRIMARY KEY)", "CREATE TABLE child(id TEXT PRIMARY KEY, p INTEGER REFERENCES parent(id))");
            }
            try (Statement s = a.createStatement()) {
                s.executeUpdate("PRAGMA foreign_keys = ON");
            }
            Twins.exec(b, "INSERT INTO child VALUES ('orphan', 99)"); // B never switched foreign keys on
            b.unwrap(SyncConnection.class).syncNow();
            a.unwrap(SyncConnection.class).syncNow();
            assertEquals(" SELECT count(*) FROM child -> 0;\n", Twins.query(a, "SELECT count(*) FROM child"), "the orphan is kept pending, not applied");
            assertTrue(Twins.query(a, "SELECT count(*) > 0 FROM _syncsqlite_pending").contains("-> 1;"), "kept pending, nothing lost");
        }
    }
}
