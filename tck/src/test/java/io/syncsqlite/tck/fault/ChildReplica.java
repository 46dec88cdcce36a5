package io.syncsqlite.tck.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the test's classpath running {@link ReplicaProcess} (or another main class with the same line
 * protocol): commands in, one answer line each; killable.
 */
final class ChildReplica implements AutoCloseable {
    private final String name;
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final Path log;

    ChildReplica(String name, String url, Path file, Path logDir) throws IOException {
        this(ReplicaProcess.class, name, url, file, logDir);
    }

    ChildReplica(Class<?> main, String name, String url, Path file, Path logDir) throws IOException {
        this.name = name;
        this.log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), main.getName(), url, file.toString()));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        answer("start");
    }

    /** Runs a command and returns its answer; throws on {@code ERR}. */
    String call(String command) throws IOException {
        in.println(command);
        return answer(command);
    }

    /** Runs a command; {@code null} for success, the error message for {@code ERR}. */
    String tryCall(String command) throws IOException {
        send(command);
        String line = nextLine(command);
        return line.startsWith("OK") ? null : line.substring(4);
    }

    /** Sends a command without reading anything back: its output is read with {@link #nextLine}. */
    void send(String command) {
        in.println(command);
    }

    /** The child's next line of output, read while it runs {@code command}. */
    String nextLine(String command) throws IOException {
        String line = out.readLine();
        if (line == null) throw new IOException(name + " ended while running " + command + "; see " + log);
        return line;
    }

    private String answer(String command) throws IOException {
        String line = nextLine(command);
        if (!line.startsWith("OK")) throw new IOException(name + " failed " + command + ": " + line);
        return line.length() > 3 ? line.substring(3) : "";
    }

    /** {@code kill -9}: no final push, no cleanup, exactly as a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String name() {
        return name;
    }

    /** Closes stdin: the child closes its connections (a final push) and exits; killed if it does not. */
    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) kill();
    }
}
