package io.syncsqlite.cli;

import io.syncsqlite.DeadLetter;
import io.syncsqlite.SyncConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code deadletters <db> [retry <id> | discard <id>]}. */
@Command(name = "deadletters", description = {"List the local changes refused on their way out (over a limit), with the reason; or",
        "  deadletters <db> retry <id>     offer one again at the next push (e.g. after the hub's limit was raised)",
        "  deadletters <db> discard <id>   never publish it (the local write stays)"})
final class DeadLettersCommand extends WayOutCommand {
    @Override
    int run(SyncConnection sync) throws Exception {
        if (action == null) {
            list("deadLetters", sync.deadLetters(Math.max(1, limit)), DeadLettersCommand::json, d -> "#" + d.id() + " " + d.table() + " "
                    + printable(d.key()) + (d.column() == null ? "" : " ." + d.column()) + " refused by " + d.refuser() + ": " + d.reason(),
                    "no dead letters");
            return ExitCode.OK;
        }
        long id = id(0);
        boolean known = switch (action) {
            case "retry" -> sync.retryDeadLetter(id);
            case "discard" -> sync.discardDeadLetter(id);
            default -> throw unknownAction("retry, discard");
        };
        if (!known) throw new java.sql.SQLException("no dead letter #" + id + " in " + db.toAbsolutePath(), "02000");
        report(action.equals("retry") ? "retried" : "discarded", id, action.equals("retry") ? ": offered again at the next push" : ": discarded");
        return ExitCode.OK;
    }

    private static Map<String, Object> json(DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("table", d.table());
        m.put("key", printable(d.key()));
        m.put("column", d.column());
        m.put("reason", d.reason());
        m.put("refuser", d.refuser());
        m.put("since", d.since());
        return m;
    }
}
