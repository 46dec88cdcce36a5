package io.syncsqlite.transport.nas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link ReplicaProcess} running in a child JVM, with its stdout collected line by line. */
final class ChildReplica implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    final Path db;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Process process;
    private final Path stderr;

    ChildReplica(Path db, Path share, String name, int rows, Path logDir) throws IOException {
        this.db = db;
        this.stderr = logDir.resolve(name + "-" + System.nanoTime() + ".err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ReplicaProcess.class.getName(),
                db.toString(), share.toString(), name, Integer.toString(rows))
                .redirectError(stderr.toFile())
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) lines.add(line);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "stdout of " + name);
        reader.setDaemon(true);
        reader.start();
    }

    boolean said(String line) {
        return lines.contains(line);
    }

    void awaitLine(String line) throws InterruptedException {
        Await.until(db.getFileName() + " to print " + line, TIMEOUT, () -> said(line) || !process.isAlive() && said(line));
    }

    /** The highest row number this replica reported as committed, or -1. */
    int lastCommitted() {
        int last = -1;
        for (String l : lines) if (l.startsWith("COMMITTED ")) last = Integer.parseInt(l.substring(10));
        return last;
    }

    String site() {
        return lines.stream().filter(l -> l.startsWith("READY ")).map(l -> l.substring(6)).findFirst().orElseThrow();
    }

    /** The table as this replica's database file holds it, read with plain xerial while the process runs. */
    String dump() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return NasReplica.dump(c);
        }
    }

    /** What the process printed on stderr so far, for failure messages. */
    String stderr() {
        try {
            return java.nio.file.Files.readString(stderr);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Asks the process to close cleanly and waits for it. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            try (Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
                w.write("quit\n");
            } catch (IOException ignored) {
                // it ended meanwhile
            }
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }
}
