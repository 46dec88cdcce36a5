package io.syncsqlite.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark child process: {@code java -Xmx<heap> [$BENCH_CHILD_JAVA_OPTS] [JFR] -cp <this classpath> <main> args}. It talks over stdin/stdout
 * in lines; lines of the form {@code KEY k=v k=v} are results, parsed by {@link #await}. stderr goes to a log file.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final Path log;

    ChildJvm(String name, String heap, Path jfrDir, Path logDir, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        String extra = System.getenv("BENCH_CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        if (jfrDir != null) {
            cmd.add("-XX:StartFlightRecording=filename=" + jfrDir.resolve(name + ".jfr") + ",settings=profile,dumponexit=true");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        log = logDir.resolve(name + ".log");
        process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    void send(String line) {
        in.println(line);
    }

    /** Reads lines until one starts with {@code key}, and returns its {@code k=v} fields; fails if the child ends first. */
    Map<String, String> await(String key) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (!line.startsWith(key + " ")) continue;
            Map<String, String> fields = new HashMap<>();
            for (String part : line.substring(key.length() + 1).trim().split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
            return fields;
        }
        throw new IOException("child process ended without reporting " + key + "; see " + log);
    }

    /** Closes its stdin (children exit on EOF) and waits; kills it if it does not end. */
    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
