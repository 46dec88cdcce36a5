package io.syncsqlite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactCommandTest {
    @TempDir
    Path dir;

    @Test
    void compactRemovesTheTombstonesOfPublishedDeletesAndShrinksTheFile() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT)");
            s.execute("WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 5000) INSERT INTO note(body) SELECT printf('%.200c', 'x') FROM n");
            s.execute("DELETE FROM note");
        }
        Cli compact = Cli.run("compact", db.toString(), "sync.transport=memory", "sync.namespace=compact-" + System.nanoTime(), "sync.interval=1h", "--json");
        assertEquals(ExitCode.OK, compact.exit(), compact.toString());
        JsonNode r = compact.json();
        // every deleted row's tombstone but the one that marks how far the keys went (a new key never reuses one)
        assertEquals(4999, r.get("tombstones").asLong(), compact.toString());
        assertTrue(r.get("bytesAfter").asLong() < r.get("bytesBefore").asLong() / 4, compact.toString());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM _syncsqlite_v1")) {
            rs.next();
            assertEquals(1, rs.getLong(1));
        }
        Cli text = Cli.run("compact", db.toString(), "sync.transport=memory", "sync.namespace=compact-" + System.nanoTime(), "sync.interval=1h");
        assertTrue(text.out().startsWith("compacted " + db.toAbsolutePath() + ": removed 0 tombstones"), text.toString());
    }
}
