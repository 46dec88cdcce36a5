package io.syncsqlite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pending, deadletters and conflicts on real files that synced through a shared folder. */
class WayOutCommandsTest {
    @TempDir
    Path dir;

    private Cli sync(Path db) throws Exception {
        Files.createDirectories(dir.resolve("share"));
        Cli c = Cli.run("sync", db.toString(), "sync.transport=nas", "sync.dir=" + dir.resolve("share"), "sync.interval=1h");
        assertEquals(ExitCode.OK, c.exit(), c.toString());
        return c;
    }

    @Test
    void pendingRowsAreListedDiscardedAndRetried() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        Cli.sqlite(a, "CREATE TABLE t(id INTEGER PRIMARY KEY)", "CREATE TABLE extra(id TEXT PRIMARY KEY, x TEXT)",
                "INSERT INTO extra VALUES ('k1', 'one'), ('k2', 'two')");
        Cli.sqlite(b, "CREATE TABLE t(id INTEGER PRIMARY KEY)");
        sync(a);
        sync(b); // b has no table extra: its rows wait

        Cli listed = Cli.run("pending", b.toString());
        assertEquals(ExitCode.OK, listed.exit(), listed.toString());
        assertTrue(listed.out().contains("extra [k1]: "), listed.toString());
        JsonNode json = Cli.run("pending", b.toString(), "--json").json().get("pending");
        assertEquals(2, json.size(), json.toString());
        assertEquals("extra", json.get(0).get("table").asText());

        Cli discarded = Cli.run("pending", b.toString(), "discard", "extra", "k1");
        assertEquals(ExitCode.OK, discarded.exit(), discarded.toString());
        assertTrue(discarded.out().matches("(?s)[1-9]\\d* changes archived.*"), discarded.toString());

        Cli.sqlite(b, "CREATE TABLE extra(id TEXT PRIMARY KEY, x TEXT)");
        Cli retried = Cli.run("pending", b.toString(), "retry", "--json");
        assertEquals(ExitCode.OK, retried.exit(), retried.toString());
        assertEquals(0, retried.json().get("stillPending").asInt(), retried.toString());
        assertEquals("no pending changes\n", Cli.run("pending", b.toString()).out());
        Cli diff = Cli.run("diff", a.toString(), b.toString());
        assertEquals(ExitCode.DIFFERENT, diff.exit(), "k1 was discarded on b");
        assertTrue(diff.out().contains("extra: 1 rows only in a.db, 0 rows only in b.db"), diff.toString());

        Cli wrong = Cli.run("pending", b.toString(), "frobnicate");
        assertEquals(ExitCode.USAGE, wrong.exit(), wrong.toString());
    }

    /** Two replicas sign up members with one e-mail and sync: returns the replica that kept the loser. */
    private Path conflictLoser(Path a, Path b) throws Exception {
        for (Path p : new Path[] {a, b}) Cli.sqlite(p, "CREATE TABLE member(id TEXT PRIMARY KEY, email TEXT UNIQUE)");
        Cli.sqlite(a, "INSERT INTO member VALUES ('a', 'same@example.com')");
        Cli.sqlite(b, "INSERT INTO member VALUES ('b', 'same@example.com')");
        sync(a);
        sync(b);
        sync(a);
        Path loser = null;
        for (Path p : new Path[] {a, b}) {
            if (Cli.run("conflicts", p.toString(), "--json").json().get("conflicts").size() > 0) loser = p;
        }
        assertTrue(loser != null, "one replica kept the row that lost the e-mail");
        return loser;
    }

    @Test
    void aConflictIsListedAndDiscarded() throws Exception {
        Path loser = conflictLoser(dir.resolve("a.db"), dir.resolve("b.db"));
        JsonNode conflict = Cli.run("conflicts", loser.toString(), "--json").json().get("conflicts").get(0);
        assertEquals("member", conflict.get("table").asText());
        assertEquals("same@example.com", conflict.get("row").get("email").asText());
        Cli text = Cli.run("conflicts", loser.toString());
        assertTrue(text.out().startsWith("#" + conflict.get("id").asLong() + " member "), text.toString());

        Cli discarded = Cli.run("conflicts", loser.toString(), "discard", conflict.get("id").asText());
        assertEquals(ExitCode.OK, discarded.exit(), discarded.toString());
        assertEquals("no conflicts\n", Cli.run("conflicts", loser.toString()).out());
        Cli again = Cli.run("conflicts", loser.toString(), "discard", conflict.get("id").asText());
        assertEquals(ExitCode.FAILED, again.exit(), again.toString());
        assertTrue(again.err().contains("no conflict #"), again.toString());
    }

    @Test
    void aConflictsLoserIsRestoredWithANewValueAsAWriteThatReachesTheOtherReplica() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        Path loser = conflictLoser(a, b);
        Path other = loser.equals(a) ? b : a;
        JsonNode conflict = Cli.run("conflicts", loser.toString(), "--json").json().get("conflicts").get(0);
        String id = conflict.get("id").asText();
        String member = conflict.get("key").get(0).asText();

        Cli refused = Cli.run("conflicts", loser.toString(), "restore", id); // its e-mail is still the winner's
        assertEquals(ExitCode.FAILED, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("UNIQUE"), refused.toString());
        assertEquals(1, Cli.run("conflicts", loser.toString(), "--json").json().get("conflicts").size(), "a refused restore changes nothing");

        Cli restored = Cli.run("conflicts", loser.toString(), "restore", id, "{\"email\": \"" + member + "@example.com\"}", "--json");
        assertEquals(ExitCode.OK, restored.exit(), restored.toString());
        assertEquals(member, restored.json().get("key").get(0).asText(), restored.toString());
        assertEquals("no conflicts\n", Cli.run("conflicts", loser.toString()).out());

        sync(loser);
        sync(other);
        assertEquals(member + "@example.com", Cli.query(other, "SELECT email FROM member WHERE id = '" + member + "'"), "the restored row is a write like any other");
        Cli diff = Cli.run("diff", a.toString(), b.toString());
        assertEquals(ExitCode.OK, diff.exit(), diff.toString());

        Cli wrong = Cli.run("conflicts", loser.toString(), "restore", id, "[1]");
        assertEquals(ExitCode.FAILED, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("JSON object"), wrong.toString());
    }

    @Test
    void aDeadLetterIsListedAndDiscarded() throws Exception {
        Path a = dir.resolve("a.db");
        Cli.sqlite(a, "CREATE TABLE file(id INTEGER PRIMARY KEY, data BLOB)");
        Cli.sqlite(a, "INSERT INTO file VALUES (1, x'00'), (2, zeroblob(16 * 1024 * 1024 + 1))"); // over the wire format's value limit
        sync(a);
        JsonNode letters = Cli.run("deadletters", a.toString(), "--json").json().get("deadLetters");
        assertEquals(1, letters.size(), letters.toString());
        assertEquals("file", letters.get(0).get("table").asText());
        assertEquals(2, letters.get(0).get("key").get(0).asInt());
        Cli text = Cli.run("deadletters", a.toString());
        assertTrue(text.out().startsWith("#" + letters.get(0).get("id").asLong() + " file [2]"), text.toString());

        Cli retried = Cli.run("deadletters", a.toString(), "retry", letters.get(0).get("id").asText());
        assertEquals(ExitCode.OK, retried.exit(), retried.toString());
        Cli discarded = Cli.run("deadletters", a.toString(), "discard", letters.get(0).get("id").asText());
        assertEquals(ExitCode.OK, discarded.exit(), discarded.toString());
        assertEquals("no dead letters\n", Cli.run("deadletters", a.toString()).out());
        assertEquals(ExitCode.FAILED, Cli.run("deadletters", a.toString(), "discard", "99999").exit());
    }
}
