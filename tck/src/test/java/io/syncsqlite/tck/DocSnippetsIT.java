package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README and of {@code docs/*.md} compiles and runs, so the documentation cannot
 * drift from the code. A block is the body of a {@code main} method, optionally preceded by {@code import} lines, with
 * {@code java.sql.*}, {@code java.nio.file.*}, {@code java.util.*} and {@code io.syncsqlite.*} imported (the
 * convention is stated in {@code docs/README.md}). Each runs in its own JVM with this module's test classpath, in a
 * fresh empty working directory, as a reader would run it.
 */
class DocSnippetsIT {
    private static final List<String> IMPLICIT_IMPORTS = List.of("java.sql.*", "java.nio.file.*", "java.util.*", "io.syncsqlite.*");
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path work;

    /** A fenced java block: where it is, and its lines. */
    record Snippet(Path file, int line, List<String> lines) {
        String where() {
            return root().relativize(file) + ":" + line;
        }

        String className() {
            return "Snippet_" + root().relativize(file).toString().replaceAll("\\W", "_") + "_" + line;
        }

        /** The snippet as a class: its imports first, the rest as the body of {@code main}. */
        String source() {
            StringBuilder imports = new StringBuilder();
            for (String i : IMPLICIT_IMPORTS) imports.append("import ").append(i).append(";\n");
            StringBuilder body = new StringBuilder();
            boolean inImports = true;
            for (String l : lines) {
                String t = l.strip();
                if (inImports && (t.startsWith("import ") || t.isEmpty())) {
                    imports.append(l).append('\n');
                } else {
                    inImports = false;
                    body.append("        ").append(l).append('\n');
                }
            }
            return imports + "public class " + className() + " {\n    public static void main(String[] args) throws Exception {\n" + body + "    }\n}\n";
        }
    }

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompilesAndRuns() throws IOException {
        List<Snippet> snippets = snippets();
        assertTrue(snippets.size() >= 3, "the README and docs/ hold java snippets; found " + snippets.size() + " (is the repository root right?)");
        return snippets.stream().map(s -> DynamicTest.dynamicTest(s.where(), () -> compileAndRun(s)));
    }

    private void compileAndRun(Snippet s) throws Exception {
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        Path run = Files.createDirectories(work.resolve("run-" + s.className()));
        Path file = src.resolve(s.className() + ".java");
        Files.writeString(file, s.source());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(), "-proc:none", "-Xlint:none"),
                null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file.toFile())).call();
        if (!compiled) fail("the java snippet at " + s.where() + " does not compile:\n" + diagnostics + "\n" + numbered(s.source()));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), s.className())
                .directory(run.toFile()).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process was killed after the timeout; what was read is reported
            }
        });
        reader.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            reader.join();
            fail("the java snippet at " + s.where() + " did not finish within " + TIMEOUT_SECONDS + " s; output:\n" + output);
        }
        reader.join();
        System.out.println("--- " + s.where() + "\n" + output);
        assertEquals(0, p.exitValue(), () -> "the java snippet at " + s.where() + " failed; output:\n" + output);
    }

    private static String numbered(String source) {
        StringBuilder b = new StringBuilder();
        String[] lines = source.split("\n");
        for (int i = 0; i < lines.length; i++) b.append(String.format("%4d  %s%n", i + 1, lines[i]));
        return b.toString();
    }

    /** The repository's root: the parent of this module's directory (Maven runs tests in the module's directory). */
    static Path root() {
        return Path.of("").toAbsolutePath().getParent();
    }

    static List<Snippet> snippets() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root().resolve("README.md"));
        try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Snippet> snippets = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) continue;
                int start = i + 1;
                List<String> body = new ArrayList<>();
                for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) body.add(lines.get(i));
                assertTrue(i < lines.size(), f + ":" + start + ": a ```java block is not closed");
                snippets.add(new Snippet(f, start, body));
            }
        }
        return snippets;
    }
}
