package io.syncsqlite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command on real files synced through a real shared folder, as a user or script runs them. */
class CommandsTest {
    @TempDir
    Path dir;

    private String[] nas() {
        return new String[] {"sync.transport=nas", "sync.dir=" + dir.resolve("share"), "sync.interval=1h"};
    }

    private Cli sync(Path db, String... extra) {
        String[] args = new String[2 + nas().length + extra.length];
        args[0] = "sync";
        args[1] = db.toString();
        System.arraycopy(nas(), 0, args, 2, nas().length);
        System.arraycopy(extra, 0, args, 2 + nas().length, extra.length);
        return Cli.run(args);
    }

    @Test
    void syncStatusDiffAndUninstallOnTwoReplicasOfASharedFolder() throws Exception {
        Files.createDirectories(dir.resolve("share"));
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        Cli.sqlite(a, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO item VALUES (1, 'bolt'), (2, 'nut')");
        Cli.sqlite(b, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)");

        Cli diff = Cli.run("diff", a.toString(), b.toString());
        assertEquals(ExitCode.DIFFERENT, diff.exit(), diff.toString());
        assertTrue(diff.out().contains("item: 2 rows only in a.db, 0 rows only in b.db"), diff.toString());
        assertTrue(diff.out().contains("  < 1 | bolt"), diff.toString());

        Cli pushed = sync(a);
        assertEquals(ExitCode.OK, pushed.exit(), pushed.toString());
        // not a terminal: plain lines, no bar; two rows of two columns each
        assertTrue(pushed.out().contains("\nsynced: pushed 4, pulled 0,"), pushed.toString());
        assertFalse(pushed.out().contains("\r"), pushed.toString());
        Cli pulled = sync(b, "--json");
        assertEquals(ExitCode.OK, pulled.exit(), pulled.toString());
        JsonNode round = pulled.json();
        assertEquals(2, round.get("tables").get("item").asInt(), pulled.toString());

        Cli same = Cli.run("diff", a.toString(), b.toString(), "--json");
        assertEquals(ExitCode.OK, same.exit(), same.toString());
        assertTrue(same.json().get("same").asBoolean());

        // a write through plain SQLite is still captured: status shows it unpublished, diff shows the row
        Cli.sqlite(a, "UPDATE item SET name = 'screw' WHERE id = 2");
        Cli status = Cli.run("status", a.toString());
        assertEquals(ExitCode.OK, status.exit(), status.toString());
        assertTrue(status.out().contains("unpublished   1 (item 1)"), status.toString());
        assertTrue(Cli.run("status", b.toString()).out().contains("peers         1"), "b holds a's changes");
        JsonNode json = Cli.run("status", a.toString(), "--json").json();
        assertEquals(1, json.get("unpublished").get("item").asInt());
        assertEquals("item", json.get("tables").get(0).asText());
        assertEquals(32, json.get("site").asText().length());
        assertEquals(Cli.run("status", b.toString(), "--json").json().get("peers").get(0).asText(), json.get("site").asText());
        Cli changed = Cli.run("diff", a.toString(), b.toString(), "--json");
        assertEquals(ExitCode.DIFFERENT, changed.exit());
        JsonNode d = changed.json().get("differences").get(0);
        assertEquals("item", d.get("table").asText());
        assertEquals("screw", d.get("firstRows").get(0).get(1).asText());
        assertEquals("nut", d.get("secondRows").get(0).get(1).asText());

        // uninstall refuses to lose the unpublished change; after a sync it goes through
        Cli refused = Cli.run("uninstall", a.toString());
        assertEquals(ExitCode.FAILED, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("1 unpublished local changes"), refused.toString());
        assertEquals(ExitCode.OK, sync(a).exit());
        assertEquals(ExitCode.OK, sync(b).exit());
        assertEquals(ExitCode.OK, Cli.run("diff", a.toString(), b.toString()).exit());
        Cli removed = Cli.run("uninstall", a.toString(), "--json");
        assertEquals(ExitCode.OK, removed.exit(), removed.toString());
        assertFalse(removed.json().get("tables").isEmpty());
        JsonNode after = Cli.run("status", a.toString(), "--json").json();
        assertFalse(after.get("installed").asBoolean());
        assertTrue(after.get("uninstalled").asBoolean());
        assertEquals(ExitCode.OK, Cli.run("diff", a.toString(), b.toString()).exit(), "the application's rows stay");

        Cli again = sync(a);
        assertEquals(ExitCode.FAILED, again.exit(), again.toString());
        assertTrue(again.err().contains("sync.reinstall=true"), again.toString());
    }

    @Test
    void failuresAndWrongUsageGiveTheirExitCodesAndOneLine() {
        Cli missing = Cli.run("status", dir.resolve("missing.db").toString());
        assertEquals(ExitCode.FAILED, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("syncsqlite: No database file at "), missing.toString());
        Cli missingJson = Cli.run("status", dir.resolve("missing.db").toString(), "--json");
        assertEquals(ExitCode.FAILED, missingJson.exit());
        assertTrue(missingJson.out().startsWith("{\"error\":\"No database file at "), missingJson.toString());
        for (String command : new String[] {"sync", "compact", "pending", "deadletters", "conflicts", "uninstall"}) {
            Path typo = dir.resolve(command + "-typo.db");
            boolean withSettings = command.equals("sync") || command.equals("compact");
            Cli c = withSettings ? Cli.run(command, typo.toString(), "sync.transport=nas", "sync.dir=" + dir) : Cli.run(command, typo.toString());
            assertEquals(ExitCode.FAILED, c.exit(), command + ": " + c);
            assertTrue(c.err().startsWith("syncsqlite: No database file at " + typo.toAbsolutePath()), command + ": " + c);
            assertFalse(Files.exists(typo), command + " left a new database at a mistyped path");
        }
        assertEquals(ExitCode.USAGE, Cli.run("status").exit());
        assertEquals(ExitCode.USAGE, Cli.run("frobnicate").exit());
        Cli notSync = Cli.run("sync", dir.resolve("x.db").toString(), "transport=nas");
        assertEquals(ExitCode.USAGE, notSync.exit(), notSync.toString());
        assertTrue(notSync.err().contains("Expected sync.key=value"), notSync.toString());
    }

    @Test
    void statusOfAFileWithoutTheDriver() throws Exception {
        Path plain = dir.resolve("plain.db");
        Cli.sqlite(plain, "CREATE TABLE t(x)");
        Cli status = Cli.run("status", plain.toString());
        assertEquals(ExitCode.OK, status.exit());
        assertTrue(status.out().contains("not synced: the file holds no syncsqlite metadata"), status.toString());
    }
}
