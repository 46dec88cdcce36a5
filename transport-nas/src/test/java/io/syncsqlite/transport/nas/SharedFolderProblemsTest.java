package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.engine.LogRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an application that only changed its URL sees when the shared folder is wrong: a message that names the folder
 * and the remedy, one WARNING in its log however many rounds fail, and an INFO line once it works again.
 */
class SharedFolderProblemsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingShareIsOneWarningThenARecovery() throws Exception {
        Path share = dir.resolve("share"); // not mounted yet
        try (LogRecords log = LogRecords.ofSync(); Connection c = open(share)) {
            for (int round = 0; round < 6; round++) {
                SQLException e = assertThrows(SQLException.class, () -> c.unwrap(SyncConnection.class).syncNow());
                assertTrue(e.getMessage().contains("sync.dir=" + share) && e.getMessage().contains("is the share mounted?"), e::getMessage);
            }
            List<String> warnings = log.at(Level.WARNING);
            assertEquals(1, warnings.size(), () -> "one warning for 6 rounds failing alike: " + warnings);
            assertTrue(warnings.get(0).contains("sync.dir=" + share), warnings::toString);

            Files.createDirectory(share);
            c.unwrap(SyncConnection.class).syncNow();
            assertTrue(log.at(Level.INFO).stream().anyMatch(m -> m.contains("recovered after")), () -> "recovery logged: " + log.at(Level.INFO));
            assertEquals(1, log.at(Level.WARNING).size());
        }
    }

    @Test
    void anUnwritableShareSaysSoAndWhatToDo() throws Exception {
        Path share = unwritableFolder();
        try (Connection c = open(share)) {
            SQLException e = assertThrows(SQLException.class, () -> c.unwrap(SyncConnection.class).syncNow());
            assertTrue(e.getMessage().contains("cannot write into the shared folder sync.dir=" + share) && e.getMessage().contains("needs write access"),
                    e::getMessage);
        }
    }

    /**
     * A folder this process cannot write into. Permissions stop every user but root, who is stopped only by the file
     * system itself: for root (as in containers) a sysfs folder, which refuses new entries to everyone.
     */
    private Path unwritableFolder() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            Path share = Files.createDirectory(dir.resolve("read-only-share"));
            Files.setPosixFilePermissions(share, PosixFilePermissions.fromString("r-xr-xr-x"));
            return share;
        }
        Path sysfs = Path.of("/sys/kernel");
        assertTrue(Files.isDirectory(sysfs), "a sysfs folder to test with");
        return sysfs;
    }

    private Connection open(Path share) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("app.db") + "?sync.transport=nas&sync.dir=" + share
                + "&sync.interval=1h");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item(id TEXT PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO item VALUES ('a', 'x')");
        }
        return c;
    }
}
