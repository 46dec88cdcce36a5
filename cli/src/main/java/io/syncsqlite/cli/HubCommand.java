package io.syncsqlite.cli;

import io.syncsqlite.hub.HubMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code hub …}: runs the hub with the hub's own options, as {@code java -jar syncsqlite-hub.jar …} does. */
@Command(name = "hub", description = {"Run the sync hub until stopped (Ctrl-C, SIGTERM). Takes the hub's own options, e.g.",
        "  hub --port 7070 --data hub.db --tokens tokens.properties", "(see docs/hub.md)."})
final class HubCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        HubMain.main(args.toArray(new String[0]));
        return ExitCode.OK;
    }
}
