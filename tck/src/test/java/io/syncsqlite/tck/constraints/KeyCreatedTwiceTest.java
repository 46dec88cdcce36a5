package io.syncsqlite.tck.constraints;

import static io.syncsqlite.tck.constraints.Transports.count;
import static io.syncsqlite.tck.constraints.Transports.dump;
import static io.syncsqlite.tck.constraints.Transports.exec;
import static io.syncsqlite.tck.constraints.Transports.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.Conflict;
import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncDriver;
import io.syncsqlite.keys.KeyScheme;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two new replicas of a hub that drew the same provisional key tag and insert before either reaches the hub: their rows
 * get the same keys. Each pair is two rows, not one: the later creation keeps the key on every replica, the other is
 * kept whole in {@code _syncsqlite_conflicts} and comes back under a new key through the way out; nothing is merged
 * cell by cell (docs/constraints.md, keys created twice).
 */
class KeyCreatedTwiceTest {
    private static final String NOTES = "CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT NOT NULL, author TEXT NOT NULL)";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "ws"})
    void twoReplicasOnOneProvisionalTagKeepEveryRow(String transport) throws Exception {
        try (Transports group = new Transports(transport, dir)) {
            // b and c exist before they first reach the hub; c's site id is made to share b's provisional tag
            try (Connection b = open(group.unreachableUrl("b"))) {
                exec(b, NOTES);
            }
            try (Connection c = open(group.unreachableUrl("c"))) {
                exec(c, NOTES);
            }
            SyncDriver.shutdown();
            String siteB = site(dir.resolve("b.db"));
            String siteC = siteB.substring(0, 3) + site(dir.resolve("c.db")).substring(3);
            try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"))) {
                exec(plain, "UPDATE _syncsqlite_sites SET site = '" + siteC + "' WHERE idx = 0");
            }
            assertEquals(KeyScheme.provisionalTag(siteB), KeyScheme.provisionalTag(siteC), "one provisional tag");
            try (Connection b = open(group.unreachableUrl("b")); Connection c = open(group.unreachableUrl("c"))) {
                insert(b, "b", 3);
                insert(c, "c", 3);
                assertEquals(dump(b, "note").replaceAll("\\|[^\\n]*", ""), dump(c, "note").replaceAll("\\|[^\\n]*", ""), "the same three keys");
            }
            SyncDriver.shutdown();
            try (Connection b = open(group.url("b")); Connection c = open(group.url("c"))) {
                List<Connection> both = List.of(b, c);
                assertTrue(Transports.syncUntil(both, 60_000, () -> dump(b, "note").equals(dump(c, "note"))), "the replicas agree");
                assertEquals(3, count(b, "SELECT count(*) FROM note WHERE author = body"), "no row is a mix of the two: " + dump(b, "note"));
                assertEquals(3, count(b, "SELECT count(*) FROM note WHERE author = 'c'"), "the later creations keep their keys: " + dump(b, "note"));
                List<Conflict> lost = b.unwrap(SyncConnection.class).conflicts(10);
                assertEquals(3, lost.size(), "the earlier rows are kept whole where they were written: " + lost);
                for (Conflict l : lost) {
                    assertEquals(l.key(), l.winner(), "the row lost its key: " + l);
                    assertEquals(Map.of("body", "b", "author", "b"), l.row(), "kept whole: " + l);
                    List<Object> key = b.unwrap(SyncConnection.class).restoreConflict(l.id(), Map.of());
                    assertTrue(!key.equals(l.key()), "it comes back under a new key: " + key);
                }
                assertTrue(Transports.syncUntil(both, 60_000, () -> count(c, "SELECT count(*) FROM note") == 6 && dump(b, "note").equals(dump(c, "note"))),
                        "every row written is on both replicas: " + dump(c, "note"));
                assertEquals(6, count(c, "SELECT count(*) FROM note WHERE author = body"), dump(c, "note"));
            }
        }
    }

    private static void insert(Connection c, String who, int rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO note(body, author) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, who);
                ps.setString(2, who);
                ps.executeUpdate();
            }
        }
    }

    private static String site(Path db) throws SQLException {
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (var s = plain.createStatement(); var rs = s.executeQuery("SELECT site FROM _syncsqlite_sites WHERE idx = 0")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
