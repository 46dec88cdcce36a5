package io.syncsqlite.cli;

import io.syncsqlite.Maintenance;
import io.syncsqlite.maintenance.FileInspector.FileStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code status <db>}: what the driver keeps in a file, read without opening it for syncing. */
@Command(name = "status", description = "Show a database's site, tables, unpublished changes, pending changes, dead letters and conflicts"
        + " by table, peers and cursors, and when it last published. Reads the file only.")
final class StatusCommand extends ReportingCommand {
    @Parameters(index = "0", paramLabel = "<db>", description = "The SQLite database file.")
    Path db;

    @Override
    public Integer call() throws Exception {
        FileStatus s = Maintenance.inspect(db);
        Output out = output();
        if (out.json()) {
            out.json(report(s));
        } else {
            print(out.text(), s);
        }
        return ExitCode.OK;
    }

    private Map<String, Object> report(FileStatus s) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("database", db.toAbsolutePath().toString());
        r.put("installed", s.installed());
        r.put("uninstalled", s.uninstalled());
        r.put("site", s.siteId());
        r.put("tables", s.tables());
        r.put("unpublished", s.unpublished());
        r.put("pending", s.pending());
        r.put("deadLetters", s.deadLetters());
        r.put("conflicts", s.conflicts());
        r.put("peers", s.peers());
        r.put("cursors", s.cursors());
        r.put("lastPublished", s.lastPublished());
        return r;
    }

    private void print(PrintWriter w, FileStatus s) {
        w.println("database      " + db.toAbsolutePath());
        if (!s.installed()) {
            w.println(s.uninstalled() ? "syncsqlite was uninstalled from this file (open it with sync.reinstall=true to sync it again)"
                    : "not synced: the file holds no syncsqlite metadata");
            w.flush();
            return;
        }
        w.println("site          " + s.siteId());
        w.println("tables        " + (s.tables().isEmpty() ? "(none)" : String.join(", ", s.tables())));
        w.println("unpublished   " + byTable(s.unpublished()));
        w.println("pending       " + byTable(s.pending()));
        w.println("dead letters  " + byTable(s.deadLetters()));
        w.println("conflicts     " + byTable(s.conflicts()));
        w.println("peers         " + s.peers().size());
        for (String p : s.peers()) w.println("  " + p);
        w.println("cursors       " + s.cursors().size());
        s.cursors().forEach((k, v) -> w.println("  " + k + " = " + v));
        w.println("last published " + (s.lastPublished() == null ? "never" : s.lastPublished()));
        w.flush();
    }

    /** {@code 3 (item 2, tag 1)}, or {@code 0}. */
    static String byTable(Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) return "0";
        StringBuilder b = new StringBuilder().append(total).append(" (");
        new java.util.TreeMap<>(counts).forEach((t, n) -> b.append(b.charAt(b.length() - 1) == '(' ? "" : ", ").append(t).append(' ').append(n));
        return b.append(')').toString();
    }
}
