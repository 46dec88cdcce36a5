package io.syncsqlite.transport.nas.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The live demo: starts three {@link TodoReplica} processes (alice, bob, carol), each with its own SQLite file, all
 * syncing through one folder with {@code sync.transport=nas} and no server. It prints their output, waits until all
 * of them have made their edits and report the same table, then stops them and says so.
 * <p>
 * Argument (optional): a working folder; by default a new temp folder.
 */
public final class TodoDemo {
    private static final List<String> NAMES = List.of("alice", "bob", "carol");
    private static final long TIMEOUT_MILLIS = 90_000;

    private final Map<String, String> states = new ConcurrentHashMap<>();
    private final Map<String, Boolean> done = new ConcurrentHashMap<>();

    private TodoDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("syncsqlite-demo");
        System.exit(new TodoDemo().run(work) ? 0 : 1);
    }

    private boolean run(Path work) throws Exception {
        Path share = Files.createDirectories(work.resolve("shared-folder"));
        System.out.println("Three replicas, one SQLite file each, syncing through " + share + " (no server).");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        try {
            for (String name : NAMES) {
                Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TodoReplica.class.getName(),
                        name, work.resolve(name + ".db").toString(), share.toString())
                        .redirectErrorStream(true).start();
                processes.add(p);
                Thread out = new Thread(() -> relay(name, p), "output of " + name);
                out.setDaemon(true);
                out.start();
            }
            long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
            while (!converged()) {
                if (System.currentTimeMillis() > deadline || processes.stream().anyMatch(p -> !p.isAlive())) {
                    System.out.println("The replicas did not converge (a process ended or " + TIMEOUT_MILLIS / 1000 + " s passed): " + states);
                    return false;
                }
                synchronized (this) {
                    wait(200); // woken by every state line
                }
            }
            System.out.println();
            System.out.println("All " + NAMES.size() + " replicas made their edits and now hold identical tables (state " + states.get(NAMES.get(0)) + ").");
            System.out.println("alice-1 keeps all three concurrent edits of different columns (done by alice, title by bob, note by carol);");
            System.out.println("carol-1 was renamed by everyone at once: one winner, the same on every replica.");
            System.out.println("Their files are in " + work + "; run it again to start over in a new folder.");
            return true;
        } finally {
            for (Process p : processes) quit(p);
        }
    }

    private synchronized boolean converged() {
        return done.size() == NAMES.size() && states.size() == NAMES.size() && states.values().stream().distinct().count() == 1;
    }

    private void relay(String name, Process p) {
        String prefix = String.format("%-6s| ", name);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("@STATE ")) states.put(name, line.substring(7));
                else if (line.equals("@DONE")) done.put(name, true);
                else System.out.println(prefix + line);
                synchronized (this) {
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process ended; run() notices
        }
    }

    private static void quit(Process p) throws InterruptedException {
        try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            w.write("quit\n");
        } catch (IOException ignored) {
            // already gone
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
    }
}
