package io.syncsqlite.cli;

import java.sql.SQLException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar syncsqlite-cli.jar <command>}: look at, sync, compare and uninstall syncsqlite database files, and run
 * the hub. Exit codes: {@link ExitCode}. Every command that reports takes {@code --json} for scripts.
 */
@Command(name = "syncsqlite", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Look at, sync, compare and uninstall syncsqlite database files; run the hub.",
        subcommands = {StatusCommand.class, SyncCommand.class, PendingCommand.class, DeadLettersCommand.class, ConflictsCommand.class,
                DiffCommand.class, UninstallCommand.class, CompactCommand.class, HubCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (diff: same data)", "1:diff: the files differ", "2:wrong usage", "3:the command failed (the message says why)"},
        footer = {"", "Documentation: docs/operations.md"})
public final class SyncsqliteCli {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a failure is one line naming what failed, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SyncsqliteCli());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            Output out = Output.of(line);
            out.error(e instanceof SQLException || e instanceof java.io.IOException ? e.getMessage() : e.toString());
            return ExitCode.FAILED;
        });
        return cl;
    }
}
