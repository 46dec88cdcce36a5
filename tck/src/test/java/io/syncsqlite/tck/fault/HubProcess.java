package io.syncsqlite.tck.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The hub ({@code io.syncsqlite.hub.HubMain}) in a child JVM on a loopback port; killable and restartable on its port. */
final class HubProcess implements AutoCloseable {
    static final String TOKEN = "fault-token";
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final Path data;
    private final String namespace;
    private final Path log;
    private Process process;
    private int port;

    HubProcess(Path data, String namespace, Path logDir) throws IOException {
        this.data = data;
        this.namespace = namespace;
        this.log = logDir.resolve("hub.log");
        start(0);
    }

    private void start(int wanted) throws IOException {
        process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.syncsqlite.hub.HubMain", "--port", Integer.toString(wanted), "--data", data.toString(),
                "--token", TOKEN + "=" + namespace))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return;
            }
        }
        throw new IOException("the hub did not start; see " + log);
    }

    /** The URL replicas use ({@code sync.url}). */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code kill -9} and a new hub process on the same port and store, as after a crash. */
    void crashAndRestart() throws IOException, InterruptedException {
        kill();
        restart();
    }

    private void restart() throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                start(port);
                return;
            } catch (IOException e) {
                if (attempt >= 20) throw e; // the port may be in TIME_WAIT for a moment
                Thread.sleep(100);
            }
        }
    }

    /** A consistent copy of the store file while the hub runs, as {@code VACUUM INTO} (or sqlite3's {@code .backup}) takes it. */
    void backupStore(Path to) throws IOException, java.sql.SQLException {
        Files.createDirectories(to);
        try (java.sql.Connection plain = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data); java.sql.Statement s = plain.createStatement()) {
            s.execute("PRAGMA busy_timeout = 30000");
            s.execute("VACUUM INTO '" + to.resolve(data.getFileName()) + "'");
        }
    }

    /**
     * A snapshot of the hub's whole data folder, as a volume snapshot takes it: everything on disk at one instant (the
     * hub is killed for the instant, then started again on its port).
     */
    void snapshotFolder(Path to) throws IOException, InterruptedException {
        kill();
        copyFolder(data.getParent(), Files.createDirectories(to));
        restart();
    }

    /** {@code kill -9}, the data folder replaced by {@code from} (a backup or snapshot), and the hub started again. */
    void restore(Path from) throws IOException, InterruptedException {
        kill();
        try (var files = Files.list(data.getParent())) {
            for (Path f : files.toList()) Files.delete(f);
        }
        copyFolder(from, data.getParent());
        restart();
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
