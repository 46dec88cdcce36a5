package io.syncsqlite.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** The {@code <db> sync.key=value…} arguments of the commands that open a file as an application with that URL would. */
final class DatabaseAndSettings {
    @Parameters(index = "0", paramLabel = "<db>", description = "The SQLite database file.")
    Path db;
    @Parameters(index = "1..*", paramLabel = "sync.key=value", description = "sync.* settings, as in a jdbc:syncsqlite: URL.")
    List<String> settings = new ArrayList<>();

    /** The {@code jdbc:syncsqlite:} URL of {@code db} with the settings; a setting that is not {@code sync.key=value} is a usage error of {@code spec}. */
    String url(CommandSpec spec) {
        StringBuilder url = new StringBuilder("jdbc:syncsqlite:").append(db.toAbsolutePath());
        char sep = '?';
        for (String s : settings) {
            if (!s.startsWith("sync.") || s.indexOf('=') < 0) {
                throw new ParameterException(spec.commandLine(), "Expected sync.key=value, got '" + s + "'");
            }
            url.append(sep).append(s);
            sep = '&';
        }
        return url.toString();
    }
}
