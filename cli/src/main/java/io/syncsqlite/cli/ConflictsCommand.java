package io.syncsqlite.cli;

import io.syncsqlite.Conflict;
import io.syncsqlite.SyncConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code conflicts <db> [discard <id> | restore <id> [<values>]]}. */
@Command(name = "conflicts", description = {"List the rows that lost a conflict between replicas, kept whole with the reason; or",
        "  conflicts <db> discard <id>            forget one (the application has dealt with it)",
        "  conflicts <db> restore <id> [<values>] write the loser back as a new write of this replica, synced like any other,",
        "                                         its values first overridden by <values>, a JSON object (e.g. '{\"email\":\"new@example.com\"}')"})
final class ConflictsCommand extends WayOutCommand {
    @Override
    int run(SyncConnection sync) throws Exception {
        if (action == null) {
            list("conflicts", sync.conflicts(Math.max(1, limit)), ConflictsCommand::json, c -> "#" + c.id() + " " + c.table() + " "
                    + printable(c.key()) + " lost to " + printable(c.winner()) + ": " + c.reason() + System.lineSeparator() + "    " + c.row(),
                    "no conflicts");
            return ExitCode.OK;
        }
        long id = id(0);
        switch (action) {
            case "discard" -> {
                if (!sync.discardConflict(id)) throw new java.sql.SQLException("no conflict #" + id + " in " + db.toAbsolutePath(), "02000");
                report("discarded", id, ": discarded");
            }
            case "restore" -> restored(id, sync.restoreConflict(id, args.size() > 1 ? columns(args.get(1)) : Map.of()));
            default -> throw unknownAction("discard, restore");
        }
        return ExitCode.OK;
    }

    /** {@code {"restored": id, "key": [...]}} with {@code --json}, else one line naming the row written back. */
    private void restored(long id, java.util.List<Object> key) {
        Output out = output();
        if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("restored", id);
            m.put("key", printable(key));
            out.json(m);
        } else {
            out.text().println("#" + id + ": restored as row " + printable(key) + " (a new write of this replica, published at its next sync)");
            out.text().flush();
        }
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
