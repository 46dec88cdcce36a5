package io.syncsqlite.cli;

import io.syncsqlite.Conflict;
import io.syncsqlite.SyncConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code conflicts <db> [discard <id>]}. */
@Command(name = "conflicts", description = {"List the rows that lost a conflict between replicas, kept whole with the reason; or",
        "  conflicts <db> discard <id>   forget one (the application has dealt with it)",
        "Restoring a loser with new values is an application decision: SyncConnection.restoreConflict(id, changes)."})
final class ConflictsCommand extends WayOutCommand {
    @Override
    int run(SyncConnection sync) throws Exception {
        if (action == null) {
            list("conflicts", sync.conflicts(Math.max(1, limit)), ConflictsCommand::json, c -> "#" + c.id() + " " + c.table() + " "
                    + printable(c.key()) + " lost to " + printable(c.winner()) + ": " + c.reason() + System.lineSeparator() + "    " + c.row(),
                    "no conflicts");
            return ExitCode.OK;
        }
        if (!action.equals("discard")) throw unknownAction("discard");
        long id = id(0);
        if (!sync.discardConflict(id)) throw new java.sql.SQLException("no conflict #" + id + " in " + db.toAbsolutePath(), "02000");
        report("discarded", id, ": discarded");
        return ExitCode.OK;
    }

    private static Map<String, Object> json(Conflict c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("table", c.table());
        m.put("key", printable(c.key()));
        Map<String, Object> row = new LinkedHashMap<>();
        c.row().forEach((k, v) -> row.put(k, printable(java.util.Collections.singletonList(v)).get(0)));
        m.put("row", row);
        m.put("winner", printable(c.winner()));
        m.put("reason", c.reason());
        m.put("at", c.at());
        return m;
    }
}
