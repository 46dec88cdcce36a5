package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While two replicas sync on different schemas, what waits and why shows in status() and as one event. */
class SchemaDriftStatusTest {
    @TempDir
    Path dir;

    private String url(String name, String ns) {
        return "jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    private static void exec(Connection c, String... sql) throws Exception {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    @Test
    void waitingChangesAndTheirReasonShowInStatusAndAsOneEvent() throws Exception {
        String ns = "drift-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection(url("a.db", ns)); Connection b = DriverManager.getConnection(url("b.db", ns))) {
            for (Connection c : List.of(a, b)) exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
            SyncConnection sa = a.unwrap(SyncConnection.class);
            SyncConnection sb = b.unwrap(SyncConnection.class);
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            sb.addListener(events::add);
            exec(a, "ALTER TABLE t ADD COLUMN note TEXT");
            for (int round = 0; round < 3; round++) {
                exec(a, "INSERT INTO t VALUES (" + round + ", 'n', 'note " + round + "')");
                sa.syncNow();
                sb.syncNow();
            }
            assertEquals(List.of(new SyncStatus.Waiting("t", "note", 3, "unknown column \"note\" of table \"t\"")), sb.status().waiting());
            List<String> drift = events.stream().map(SyncEvent::message).filter(m -> m.startsWith("schema drift")).toList();
            assertEquals(List.of("schema drift: changes for unknown column \"note\" of table \"t\" are kept pending until this replica's schema has it"), drift);
            assertEquals(3L, countRows(b, "t"), "b syncs what it can meanwhile");
            exec(b, "ALTER TABLE t ADD COLUMN note TEXT");
            sb.syncNow();
            assertEquals(List.of(), sb.status().waiting());
            assertEquals(3L, countRows(b, "t WHERE note LIKE 'note %'"));
        }
    }

    private static long countRows(Connection c, String from) throws Exception {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
