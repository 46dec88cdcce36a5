package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every parked state has a way out through {@link SyncConnection}, without SQL: conflicts are listed, restored as a new
 * write or discarded; pending rows are listed, retried or discarded (kept in the archive); dead letters are listed,
 * offered again or discarded.
 */
class WayOutTest {
    private static final String PERSON = "CREATE TABLE person(id TEXT PRIMARY KEY, email TEXT UNIQUE, name TEXT)";

    @TempDir
    Path dir;

    @Test
    void aConflictsLoserIsListedAndRestoredAsANewWriteThatSyncs() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec(PERSON);
            b.exec(PERSON);
            a.exec("INSERT INTO person VALUES ('a1', 'ann@example.com', 'Ann on a')");
            long later = System.currentTimeMillis() + 1;
            while (System.currentTimeMillis() <= later) Thread.onSpinWait();
            b.exec("INSERT INTO person VALUES ('b1', 'ann@example.com', 'Ann on b')");
            List<Changeset> fromA = a.drain();
            a.applyAll(b.drain());
            b.applyAll(fromA);

            SyncConnection sa = a.conn.unwrap(SyncConnection.class);
            List<Conflict> lost = sa.conflicts(10);
            assertEquals(1, lost.size(), lost::toString);
            Conflict c = lost.get(0);
            assertEquals("person", c.table());
            assertEquals(List.of("a1"), c.key());
            assertEquals(List.of("b1"), c.winner());
            assertEquals("ann@example.com", c.row().get("email"));
            assertEquals("Ann on a", c.row().get("name"));
            assertTrue(c.reason().contains("UNIQUE"), c.reason());
            assertNotNull(c.at());

            // restoring it as it was collides again: SQLite's error, nothing changes
            SyncConnection sb = b.conn.unwrap(SyncConnection.class);
            long onB = sb.conflicts(10).get(0).id();
            SQLException still = assertThrows(SQLException.class, () -> sb.restoreConflict(onB, Map.of()));
            assertTrue(still.getMessage().contains("UNIQUE"), still.getMessage());
            assertEquals(1, sb.conflicts(10).size());
            assertTrue(sb.discardConflict(onB));
            assertEquals(List.of(), sb.conflicts(10));
            assertFalse(sb.discardConflict(onB));

            SQLException unknownColumn = assertThrows(SQLException.class, () -> sa.restoreConflict(c.id(), Map.of("mail", "x")));
            assertEquals("42S22", unknownColumn.getSQLState());
            assertEquals(List.of("a1"), sa.restoreConflict(c.id(), Map.of("email", "ann.a@example.com")));
            assertEquals(List.of(), sa.conflicts(10));
            assertEquals("ann.a@example.com", a.value("SELECT email FROM person WHERE id = 'a1'"));
            // the restored row is this replica's new write: it reaches the other replica
            b.applyAll(a.drain());
            assertEquals(a.dump("person"), b.dump("person"));
            assertEquals("Ann on a", b.value("SELECT name FROM person WHERE id = 'a1'"));
            assertEquals("02000", assertThrows(SQLException.class, () -> sa.restoreConflict(c.id(), Map.of())).getSQLState());
            assertEquals("22023", assertThrows(SQLException.class, () -> sa.conflicts(0)).getSQLState());
        }
    }

    @Test
    void pendingRowsAreListedDiscardedIntoTheArchiveAndRetried() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb c = new TestDb(dir.resolve("c.db"))) {
            a.exec("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT, body TEXT)", "INSERT INTO note VALUES (1, 'one', 'x'), (2, 'two', 'y')");
            c.exec("CREATE TABLE other(id INTEGER PRIMARY KEY)"); // c does not have table note yet
            c.applyAll(a.drain());
            SyncConnection sc = c.conn.unwrap(SyncConnection.class);
            List<PendingRow> pending = sc.pending(10);
            assertEquals(2, pending.size(), pending::toString);
            PendingRow first = pending.get(0);
            assertEquals("note", first.table());
            assertEquals(List.of(1L), first.key());
            assertEquals(List.of("title", "body"), first.columns());
            assertTrue(first.rowChange());
            assertEquals(3, first.changes());
            assertTrue(first.reason().contains("unknown table"), first.reason());
            assertNotNull(first.since());
            assertEquals(1, sc.pending(1).size());

            assertEquals(3, sc.discardPending("note", List.of(1))); // an Integer key names the same row as a Long
            assertEquals(0, sc.discardPending("note", List.of(1L)));
            assertEquals(List.of(List.of(2L)), sc.pending(10).stream().map(PendingRow::key).toList());
            assertEquals(3L, ((Number) c.value("SELECT count(*) FROM _syncsqlite_archived WHERE reason LIKE 'discarded by the application: %'")).longValue());

            c.exec("CREATE TABLE note(id INTEGER PRIMARY KEY, title TEXT, body TEXT)");
            assertEquals(0, sc.retryPending());
            assertEquals("id=2:Integer title=two:String body=y:String \n", c.dump("note"));
        }
    }

    @Test
    void deadLettersAreListedOfferedAgainAndDiscarded() throws Exception {
        String url = "jdbc:syncsqlite:" + dir.resolve("d.db") + "?sync.transport=memory&sync.namespace=" + UUID.randomUUID() + "&sync.interval=1h";
        try (Connection conn = DriverManager.getConnection(url)) {
            Twins.exec(conn, "CREATE TABLE blob_t(id INTEGER PRIMARY KEY, v BLOB)");
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO blob_t VALUES (1, ?)")) {
                ps.setBytes(1, new byte[io.syncsqlite.change.ChangesetCodec.MAX_VALUE_BYTES + 1]);
                ps.executeUpdate();
            }
            SyncConnection s = conn.unwrap(SyncConnection.class);
            s.syncNow();
            List<DeadLetter> dead = s.deadLetters(10);
            assertEquals(1, dead.size(), dead::toString);
            DeadLetter d = dead.get(0);
            assertEquals("blob_t", d.table());
            assertEquals(List.of(1L), d.key());
            assertEquals("v", d.column());
            assertEquals("local", d.refuser());
            assertNotNull(d.since());
            assertTrue(s.retryDeadLetter(d.id()));
            assertTrue(s.discardDeadLetter(d.id()));
            assertEquals(List.of(), s.deadLetters(10));
            assertFalse(s.retryDeadLetter(d.id()));
        }
    }
}
