package io.syncsqlite.tck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts executed TCK cases per JDBC interface (one test class each, named {@code <Interface>Tck}) and per
 * integration application ({@code <App>IT}), prints the table into the build output and writes it to the file named
 * by the {@code tck.report} system property. Registered through {@code META-INF/services}.
 */
public final class TckReport implements TestExecutionListener {
    private final Map<String, int[]> counts = new TreeMap<>();

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest() || !(id.getSource().orElse(null) instanceof MethodSource m)) return;
        String cls = m.getClassName();
        if (!cls.startsWith(TckReport.class.getPackageName() + ".")) return;
        String simple = cls.substring(cls.lastIndexOf('.') + 1);
        String group = simple.endsWith("Tck") ? simple.substring(0, simple.length() - 3) : "integration: " + simple;
        int[] c = counts.computeIfAbsent(group, g -> new int[2]);
        c[0]++;
        if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) c[1]++;
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (counts.isEmpty()) return;
        StringBuilder b = new StringBuilder("\nsyncsqlite TCK: cases per JDBC interface (each run on jdbc:sqlite: and jdbc:syncsqlite:)\n");
        int total = 0, failed = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            b.append(String.format("  %-32s %5d%s%n", e.getKey(), e.getValue()[0], e.getValue()[1] == 0 ? "" : "  (" + e.getValue()[1] + " not passed)"));
            total += e.getValue()[0];
            failed += e.getValue()[1];
        }
        b.append(String.format("  %-32s %5d%s%n", "total", total, failed == 0 ? "" : "  (" + failed + " not passed)"));
        System.out.print(b); // the report is the point of this listener: it belongs in the build output
        String file = System.getProperty("tck.report");
        if (file == null) return;
        try {
            Files.writeString(Path.of(file), b.toString().strip() + "\n");
        } catch (IOException e) {
            System.getLogger(TckReport.class.getName()).log(System.Logger.Level.WARNING, "cannot write " + file, e);
        }
    }
}
