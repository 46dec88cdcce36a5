package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.ChangesetCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One value-size limit on both sides: a value no reader would decode is never published. It is kept as a dead letter
 * where it is read for publishing, reported naming table, column and key, and everything else of its site flows on.
 */
class ValueLimitTest {
    @TempDir
    Path dir;

    @Test
    void aValueOverTheLimitIsKeptAsADeadLetterAndNothingElseWaits() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, ""); NasReplica b = new NasReplica(dir.resolve("b.db"), share, "")) {
            a.exec("ALTER TABLE todo ADD COLUMN attachment BLOB");
            b.exec("ALTER TABLE todo ADD COLUMN attachment BLOB");
            a.exec("INSERT INTO todo(id, title) VALUES ('small', 'fine')");
            try (PreparedStatement ps = a.conn.prepareStatement("INSERT INTO todo(id, title, attachment) VALUES ('big', 'huge file', ?)")) {
                ps.setBytes(1, new byte[ChangesetCodec.MAX_VALUE_BYTES + 1]);
                ps.executeUpdate();
            }
            a.syncNow();
            assertEquals(1, a.sync().status().deadLetters(), "the oversized cell is kept, visible in status()");
            assertTrue(a.errors().stream().anyMatch(e -> e.message().contains("column attachment") && e.message().contains("[\"big\"]")),
                    () -> a.errors().toString());
            b.syncNow();
            assertEquals("big|huge file|0\nsmall|fine|0\n", b.dump(), "the row and its other cells went out");
            assertEquals(0, count(b, "attachment IS NOT NULL"));
            a.exec("UPDATE todo SET title = 'later' WHERE id = 'small'");
            a.syncNow();
            b.syncNow();
            assertEquals("big|huge file|0\nsmall|later|0\n", b.dump(), "later changes of the site are not blocked");
            assertTrue(b.errors().isEmpty(), () -> b.errors().toString());
        }
    }

    private static int count(NasReplica r, String where) throws Exception {
        try (Statement s = r.conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM todo WHERE " + where)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
