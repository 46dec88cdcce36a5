package io.syncsqlite.bench;

import java.util.ArrayList;
import java.util.List;

/** The result table: one row per figure, with its target and whether it is met. */
final class Table {
    private record Row(String section, String benchmark, String plain, String sync, String result, String target, String verdict) {
    }

    private final List<Row> rows = new ArrayList<>();

    void paired(String section, PairedRunner.Comparison c) {
        Stats r = c.ratio();
        rows.add(new Row(section, c.name(), micros(c.plainNsPerOp().median()), micros(c.syncNsPerOp().median()),
                String.format("%.2fx (%.2f-%.2f)", r.median(), r.min(), r.max()), String.format("<= %.2fx", c.target()),
                r.median() <= c.target() ? "met" : "MISSED"));
    }

    void figure(String section, String benchmark, String result, String target, Boolean met) {
        rows.add(new Row(section, benchmark, "", "", result, target, met == null ? "n/a" : met ? "met" : "MISSED"));
    }

    private static String micros(double nanos) {
        return String.format("%.2f us", nanos / 1000);
    }

    String render() {
        String[] head = {"section", "benchmark", "plain/op", "syncsqlite/op", "ratio median (min-max) / result", "target", "verdict"};
        int[] width = new int[head.length];
        List<String[]> cells = new ArrayList<>();
        cells.add(head);
        for (Row r : rows) cells.add(new String[] {r.section, r.benchmark, r.plain, r.sync, r.result, r.target, r.verdict});
        for (String[] line : cells) for (int i = 0; i < line.length; i++) width[i] = Math.max(width[i], line[i].length());
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < cells.size(); n++) {
            String[] line = cells.get(n);
            out.append('|');
            for (int i = 0; i < line.length; i++) out.append(' ').append(pad(line[i], width[i])).append(" |");
            out.append('\n');
            if (n == 0) {
                out.append('|');
                for (int w : width) out.append('-').append("-".repeat(w)).append("-|");
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
