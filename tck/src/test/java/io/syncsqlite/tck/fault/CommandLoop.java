package io.syncsqlite.tck.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * The line protocol of the fault tests' child processes ({@link ChildReplica}): {@code OK ready} once, then one command
 * a line on stdin ({@code NAME argument…}), each answered with one line, {@code OK <value>} or {@code ERR <message>},
 * until the end of input.
 */
final class CommandLoop {
    /** Runs one command and returns its value. */
    interface Commands {
        String run(String command, String arg) throws SQLException;
    }

    private CommandLoop() {
    }

    static void serve(PrintStream out, Commands commands) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("OK ready");
        for (String line; (line = in.readLine()) != null; ) {
            int space = line.indexOf(' ');
            try {
                out.println("OK " + commands.run(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1)));
            } catch (SQLException | RuntimeException e) {
                out.println("ERR " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
    }
}
