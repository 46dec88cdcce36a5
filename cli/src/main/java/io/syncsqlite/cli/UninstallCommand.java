package io.syncsqlite.cli;

import io.syncsqlite.Maintenance;
import io.syncsqlite.maintenance.Uninstaller.Removed;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uninstall <db>}: the way back to plain SQLite. */
@Command(name = "uninstall", description = {"Remove every trigger, table and index syncsqlite added, and its files beside the database:"
        + " the file keeps exactly the application's schema and rows and works with jdbc:sqlite: as before.",
        "Close every application that has the file open first. jdbc:syncsqlite: then refuses the file until its URL has sync.reinstall=true."})
final class UninstallCommand extends ReportingCommand {
    @Parameters(index = "0", paramLabel = "<db>", description = "The SQLite database file.")
    Path db;
    @Option(names = "--discard-unsynced", description = "Uninstall even when the file holds unpublished or pending changes, dead letters or"
            + " conflicts (they are lost; the application's rows stay).")
    boolean discardUnsynced;

    @Override
    public Integer call() throws Exception {
        Removed removed = Maintenance.uninstall(db, discardUnsynced);
        Output out = output();
        if (out.json()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("database", db.toAbsolutePath().toString());
            r.put("triggers", removed.triggers());
            r.put("indexes", removed.indexes());
            r.put("tables", removed.tables());
            r.put("files", removed.files());
            out.json(r);
        } else {
            PrintWriter w = out.text();
            w.println("uninstalled syncsqlite from " + db.toAbsolutePath() + ": removed " + removed.triggers().size() + " triggers, "
                    + removed.indexes().size() + " indexes, " + removed.tables().size() + " tables and " + removed.files().size() + " files");
            w.println("open it with jdbc:sqlite: as before; jdbc:syncsqlite: refuses it until its URL has sync.reinstall=true");
            w.flush();
        }
        return ExitCode.OK;
    }
}
