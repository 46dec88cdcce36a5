package io.syncsqlite.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongPredicate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar}'s entry point ({@link HubMain}) in a child JVM with a small heap, on loopback, HTTP and WebSocket,
 * over an SQLite store of its own or a PostgreSQL store it may share with other hub processes; killable with
 * {@code kill -9}.
 */
public final class HubChild implements AutoCloseable {
    public static final String TOKEN = "child-token";
    public static final String NAMESPACE = "a";
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+), WebSocket on port (\\d+)");

    private final Process process;
    private final Path log;
    final int port;
    final int wsPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts a hub with {@code heap} (e.g. {@code 256m}) and {@code options} on top of port, data and token. */
    HubChild(Path dir, String heap, String... options) throws IOException {
        this(dir, heap, List.of("--data", dir.resolve("hub.db").toString()), options);
    }

    private HubChild(Path dir, String heap, List<String> store, String... options) throws IOException {
        log = dir.resolve("hub.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), HubMain.class.getName(), "--port", "0", "--ws-port", "0",
                "--token", TOKEN + "=" + NAMESPACE));
        cmd.addAll(store);
        cmd.addAll(List.of(options));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                wsPort = Integer.parseInt(m.group(2));
                return;
            }
        }
        throw new IOException("the hub did not start: " + Files.readString(log));
    }

    /**
     * Starts a hub over the PostgreSQL database at {@code storeUrl} ({@link TestPostgres#url}) as its superuser, with
     * {@code heap}; its log goes to {@code dir}.
     */
    public static HubChild overPostgres(Path dir, String heap, String storeUrl) throws IOException {
        return new HubChild(dir, heap, List.of("--store", storeUrl, "--store-user", "postgres"));
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + wsPort);
    }

    /** GET {@code path} on the hub's HTTP port. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of {@code name} in {@code /metrics} (the full name with labels, without the prefix). */
    public long metric(String name) throws IOException, InterruptedException {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith("syncsqlite_hub_" + name + " ")) return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    /**
     * Waits until {@code name} in {@code /metrics} satisfies {@code until} (or {@code within} passes) and returns its
     * value: the hub counts a refusal or a closed connection on its own thread after the client saw the close, so a
     * value read at once can lag behind. A hub that exits ends the wait at once, with its log.
     */
    public long awaitMetric(String name, LongPredicate until, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            if (!process.isAlive()) throw new AssertionError("the hub exited while " + name + " was awaited:\n" + log());
            long value = metric(name);
            if (until.test(value) || System.nanoTime() >= deadline) return value;
            Thread.sleep(50); // /metrics of another process: read again until the condition holds or the deadline passes
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** {@code kill -9}: the JVM dies at once, whatever it is doing (a push half-stored, an answer half-sent). */
    public void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Unix
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
