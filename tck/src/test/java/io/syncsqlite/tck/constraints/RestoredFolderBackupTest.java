package io.syncsqlite.tck.constraints;

import static io.syncsqlite.tck.constraints.Transports.count;
import static io.syncsqlite.tck.constraints.Transports.dump;
import static io.syncsqlite.tck.constraints.Transports.exec;
import static io.syncsqlite.tck.constraints.Transports.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A folder backup restored in place: the database file and the mark beside it ({@code app.db-syncsqlite.id}) copied
 * back over a replica that published more after the backup. Nothing on the device tells the restore apart, but the
 * shared folder or the hub holds what the replica's site published after the backup: the replica becomes a new site,
 * gets those rows back, and the keys of its new rows meet none of them (docs/constraints.md, restored copies).
 */
class RestoredFolderBackupTest {
    private static final String ITEMS = "CREATE TABLE item(id INTEGER PRIMARY KEY, title TEXT NOT NULL)";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "nas", "http", "ws"})
    void aRestoredFolderBackupGetsBackWhatItPublishedAndReusesNoKey(String transport) throws Exception {
        Path app = dir.resolve("app.db");
        Path mark = dir.resolve("app.db-syncsqlite.id");
        Path backup = Files.createDirectories(dir.resolve("backup"));
        try (Transports group = new Transports(transport, dir)) {
            String before;
            try (Connection a = open(group.url("app")); Connection peer = open(group.url("peer"))) {
                exec(a, ITEMS);
                exec(peer, ITEMS);
                insert(a, "before the backup", 1);
                assertTrue(Transports.syncUntil(List.of(a, peer), 30_000, () -> count(peer, "SELECT count(*) FROM item") == 1), "the first item reaches the peer");
                before = site(a);
            }
            SyncDriver.shutdown(); // the engines' last pushes are done and the files closed, as before a backup or a restore
            Files.copy(app, backup.resolve("app.db"));
            Files.copy(mark, backup.resolve(mark.getFileName()));
            try (Connection a = open(group.url("app")); Connection peer = open(group.url("peer"))) {
                insert(a, "after the backup", 60);
                assertTrue(Transports.syncUntil(List.of(a, peer), 30_000, () -> count(peer, "SELECT count(*) FROM item") == 61), "61 items reach the peer");
            }
            SyncDriver.shutdown();
            // restored in place, as a backup tool copies a folder back: same files, older content
            Files.write(app, Files.readAllBytes(backup.resolve("app.db")));
            Files.write(mark, Files.readAllBytes(backup.resolve(mark.getFileName())));
            try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + app)) {
                assertEquals(1, count(plain, "SELECT count(*) FROM item"), "the restored file holds what the backup held");
            }
            try (Connection a = open(group.url("app")); Connection peer = open(group.url("peer"))) {
                a.unwrap(SyncConnection.class).syncNow();
                insert(a, "after the restore", 5);
                boolean settled = Transports.syncUntil(List.of(a, peer), 60_000,
                        () -> count(a, "SELECT count(*) FROM item") == 66 && dump(a, "item").equals(dump(peer, "item")));
                assertTrue(settled, "every replica holds the 66 items: " + count(a, "SELECT count(*) FROM item") + " on the restored replica, "
                        + count(peer, "SELECT count(*) FROM item") + " on the peer");
                assertEquals(60, count(peer, "SELECT count(*) FROM item WHERE title = 'after the backup'"), "no item published after the backup was overwritten");
                assertNotEquals(before, site(a), "the restored replica is a new site");
            }
        }
    }

    private static void insert(Connection c, String title, int rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO item(title) VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, title);
                ps.executeUpdate();
            }
        }
    }

    private static String site(Connection c) throws SQLException {
        return c.unwrap(SyncConnection.class).siteId();
    }
}
