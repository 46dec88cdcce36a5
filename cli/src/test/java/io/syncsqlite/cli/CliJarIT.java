package io.syncsqlite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as users run it: {@code java -jar syncsqlite-cli.jar hub …}, then two replicas synced through that hub. */
class CliJarIT {
    private static final Path JAR = Path.of("target", "syncsqlite-cli.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    @TempDir
    Path dir;

    @Test
    void hubAndSyncThroughTheJar() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by package");
        Process hub = new ProcessBuilder(java("hub", "--port", "0", "--bind", "127.0.0.1", "--data", dir.resolve("hub.db").toString(),
                "--token", "jar-it-token=shop")).redirectErrorStream(true).start();
        try {
            int port = port(hub);
            Path a = dir.resolve("a.db");
            Path b = dir.resolve("b.db");
            Cli.sqlite(a, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO item VALUES (1, 'bolt'), (2, 'nut')");
            Cli.sqlite(b, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)");
            String[] http = {"sync.transport=http", "sync.url=http://127.0.0.1:" + port, "sync.token=jar-it-token", "sync.interval=1h"};
            assertEquals(0, run(concat("sync", a.toString(), http)).exit(), "a pushes");
            Cli pulled = run(concat("sync", b.toString(), concat("--json", "", http)));
            assertEquals(0, pulled.exit(), pulled.toString());
            assertTrue(pulled.out().contains("\"tables\":{\"item\":2}"), pulled.toString());
            Cli diff = run("diff", a.toString(), b.toString());
            assertEquals(0, diff.exit(), diff.toString());
            Cli status = run("status", b.toString(), "--json");
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.out().contains("\"tables\":[\"item\"]"), status.toString());
        } finally {
            hub.destroy();
            assertTrue(hub.waitFor(30, TimeUnit.SECONDS), "the hub stops on SIGTERM");
        }
    }

    private static String[] concat(String first, String second, String... rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        if (!second.isEmpty()) out.add(second);
        out.addAll(List.of(rest));
        return out.toArray(new String[0]);
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Cli run(String... args) throws Exception {
        Process p = new ProcessBuilder(java(args)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Cli(p.exitValue(), out, err);
    }

    /** Reads the hub's output until it names its port. */
    private static int port(Process hub) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        r.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException ignored) {
                        // the hub stopped
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the hub ended without listening:\n" + seen);
    }
}
