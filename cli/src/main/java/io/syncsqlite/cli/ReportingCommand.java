package io.syncsqlite.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that reports, as text or (with {@code --json}) as one JSON object. */
abstract class ReportingCommand implements Callable<Integer>, Output.Reporting {
    @Spec
    CommandSpec spec;
    @Mixin
    JsonOption jsonOption;

    @Override
    public boolean json() {
        return jsonOption.json;
    }

    Output output() {
        return Output.of(spec.commandLine());
    }

    /**
     * {@code db}, or a failure naming it when no file is there: opening a missing path would create an empty database,
     * so a mistyped path would leave a new file behind (and {@code sync} would make it a new replica).
     */
    static Path existingDatabase(Path db) throws SQLException {
        if (!Files.isRegularFile(db)) throw new SQLException("No database file at " + db.toAbsolutePath(), "08001");
        return db;
    }
}
