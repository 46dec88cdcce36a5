package io.syncsqlite.cli;

import picocli.CommandLine.Option;

/** The {@code --json} option every reporting command shares. */
final class JsonOption {
    @Option(names = "--json", description = "Print one JSON object (for scripts) instead of text.")
    boolean json;
}
