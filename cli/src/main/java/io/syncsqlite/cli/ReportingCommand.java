package io.syncsqlite.cli;

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
}
