package io.syncsqlite.cli;

import io.syncsqlite.PendingRow;
import io.syncsqlite.SyncConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code pending <db> [retry | discard <table> <key>]}. */
@Command(name = "pending", description = {"List the rows whose remote changes this replica keeps pending, with the reason; or",
        "  pending <db> retry                   try them all again now",
        "  pending <db> discard <table> <key>   archive one row's pending changes (never retried; the row stays as it is)",
        "<key> is a JSON array of the key's values (e.g. '[\"a\",1]'), or the value of a one-column key."})
final class PendingCommand extends WayOutCommand {
    @Override
    int run(SyncConnection sync) throws Exception {
        if (action == null) {
            list("pending", sync.pending(Math.max(1, limit)), PendingCommand::json, r -> r.table() + " " + printable(r.key()) + ": " + r.changes()
                    + " changes (" + String.join(", ", r.columns()) + ")" + (r.since() == null ? "" : " since " + r.since()) + " — " + r.reason(),
                    "no pending changes");
            return ExitCode.OK;
        }
        switch (action) {
            case "retry" -> report("stillPending", sync.retryPending(), " rows still pending");
            case "discard" -> report("discarded", sync.discardPending(arg(0, "a table"), key(arg(1, "a key"))), " changes archived");
            default -> throw unknownAction("retry, discard");
        }
        return ExitCode.OK;
    }

    private static Map<String, Object> json(PendingRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", r.table());
        m.put("key", printable(r.key()));
        m.put("columns", r.columns());
        m.put("rowChange", r.rowChange());
        m.put("changes", r.changes());
        m.put("reason", r.reason());
        m.put("since", r.since());
        return m;
    }
}
