package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listeners learn which tables (and how many rows of each) remote changes wrote, to refresh what they show. */
class ChangedTablesEventTest {
    @TempDir
    Path dir;

    private Connection open(String name, String ns) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns
                + "&sync.interval=1h");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS todo(id TEXT PRIMARY KEY, title TEXT, done INTEGER)");
            s.execute("CREATE TABLE IF NOT EXISTS tag(id TEXT PRIMARY KEY, name TEXT)");
        }
        return c;
    }

    @Test
    void changedEventsAndTheRoundResultNameTablesAndRowCounts() throws Exception {
        String ns = "changed-" + System.nanoTime();
        try (Connection a = open("a.db", ns); Connection b = open("b.db", ns); Statement sa = a.createStatement()) {
            SyncConnection syncA = a.unwrap(SyncConnection.class);
            SyncConnection syncB = b.unwrap(SyncConnection.class);
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            syncB.addListener(e -> {
                if (e.type() == SyncEvent.Type.CHANGED) events.add(e);
            });
            sa.execute("INSERT INTO todo VALUES ('1', 'milk', 0), ('2', 'bread', 0), ('3', 'eggs', 0)");
            sa.execute("INSERT INTO tag VALUES ('t', 'shopping')");
            syncA.syncNow();
            SyncResult first = syncB.syncNow();
            assertEquals(Map.of("todo", 3, "tag", 1), first.tables(), "the round's result");
            assertEquals(Map.of("todo", 3, "tag", 1), events.get(0).tables(), "the CHANGED event");
            assertEquals(1, events.size());

            events.clear();
            sa.execute("UPDATE todo SET done = 1 WHERE id = '1'");
            sa.execute("DELETE FROM todo WHERE id = '2'");
            syncA.syncNow();
            assertEquals(Map.of("todo", 2), syncB.syncNow().tables(), "an update and a delete are two rows written");
            assertEquals(Map.of("todo", 2), events.get(0).tables());

            events.clear();
            SyncResult quiet = syncB.syncNow();
            assertEquals(Map.of(), quiet.tables(), "nothing new, nothing changed");
            assertEquals(List.of(), events, "no CHANGED event when no row was written");
        }
    }
}
