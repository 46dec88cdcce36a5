package io.syncsqlite.cli;

import io.syncsqlite.Compaction;
import io.syncsqlite.SyncConnection;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code compact <db> sync.transport=… …}: {@link SyncConnection#compact()} of a file, as an application with that URL would run it. */
@Command(name = "compact", description = {"Run a sync round with the given sync.* settings, remove the metadata of deleted rows every replica has seen,",
        "and give the file's free space back (VACUUM), e.g.",
        "  compact app.db sync.transport=http sync.url=https://hub.example:7070",
        "The file is rewritten: applications using it wait until it is done. See docs/write-cost.md."})
final class CompactCommand extends ReportingCommand {
    @Mixin
    DatabaseAndSettings args;

    @Override
    public Integer call() throws Exception {
        Compaction done;
        String url = args.url(spec); // wrong settings are a usage error, whatever the file
        existingDatabase(args.db);
        try (Connection c = DriverManager.getConnection(url, null)) {
            done = c.unwrap(SyncConnection.class).compact();
        }
        Output out = output();
        if (out.json()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("database", args.db.toAbsolutePath().toString());
            r.put("tombstones", done.tombstones());
            r.put("bytesBefore", done.bytesBefore());
            r.put("bytesAfter", done.bytesAfter());
            out.json(r);
        } else {
            PrintWriter w = out.text();
            w.println("compacted " + args.db.toAbsolutePath() + ": removed " + done.tombstones() + " tombstones of deleted rows; " + done.bytesBefore()
                    + " bytes before, " + done.bytesAfter() + " after");
            w.flush();
        }
        return ExitCode.OK;
    }
}
