package io.syncsqlite.cli;

import io.syncsqlite.cli.TableDiff.TableDifference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code diff <db1> <db2>}: whether two replicas hold the same data. */
@Command(name = "diff", description = {"Compare the application tables of two database files (read-only).",
        "Exit code 0: the same data; 1: different (the first differences of each table are shown)."})
final class DiffCommand extends ReportingCommand {
    @Parameters(index = "0", paramLabel = "<db1>")
    Path first;
    @Parameters(index = "1", paramLabel = "<db2>")
    Path second;
    @Option(names = "--limit", defaultValue = "5", description = "Rows shown per table and side (default ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--exclude", split = ",", paramLabel = "table", description = "Tables to leave out (e.g. those in sync.exclude).")
    Set<String> excluded = Set.of();

    @Override
    public Integer call() throws Exception {
        List<TableDifference> diffs = TableDiff.compare(first, second, Math.max(limit, 0), excluded);
        Output out = output();
        if (out.json()) {
            List<Map<String, Object>> tables = new ArrayList<>();
            for (TableDifference d : diffs) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("table", d.table());
                t.put("problem", d.problem());
                t.put("onlyInFirst", d.onlyInFirst());
                t.put("onlyInSecond", d.onlyInSecond());
                t.put("firstRows", d.firstRows());
                t.put("secondRows", d.secondRows());
                tables.add(t);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("first", first.toAbsolutePath().toString());
            r.put("second", second.toAbsolutePath().toString());
            r.put("same", diffs.isEmpty());
            r.put("differences", tables);
            out.json(r);
        } else {
            print(out.text(), diffs);
        }
        return diffs.isEmpty() ? ExitCode.OK : ExitCode.DIFFERENT;
    }

    private void print(PrintWriter w, List<TableDifference> diffs) {
        String a = first.getFileName().toString();
        String b = second.getFileName().toString();
        if (diffs.isEmpty()) {
            w.println(a + " and " + b + " hold the same data");
        } else {
            for (TableDifference d : diffs) {
                w.println(d.table() + ": " + (d.problem() == null ? "" : d.problem() + "; ") + d.onlyInFirst() + " rows only in " + a + ", "
                        + d.onlyInSecond() + " rows only in " + b);
                for (List<String> row : d.firstRows()) w.println("  < " + String.join(" | ", row));
                for (List<String> row : d.secondRows()) w.println("  > " + String.join(" | ", row));
            }
        }
        w.flush();
    }
}
