package io.syncsqlite.demo;

import io.syncsqlite.hub.HubMain;
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
 * of them report the same table in a state that already holds every replica's last edits, then stops them and says so.
 * <p>
 * Arguments (optional): a working folder (by default a new temp folder), then {@code --ws} to sync live over WebSocket
 * through a hub the demo starts on loopback (in its own JVM) instead of through a folder.
 */
public final class TodoDemo {
    private static final List<String> NAMES = List.of("alice", "bob", "carol");
    /** The token the demo's hub grants for the demo's namespace. */
    private static final String HUB_TOKEN = "todo-demo-token";
    /** Gives up only when no replica printed anything for this long: a slow, busy machine is slow, not stuck. */
    private static final long QUIET_MILLIS = 120_000;

    /** Per replica, the hash of its table in its last state that held every replica's last edits. */
    private final Map<String, String> states = new ConcurrentHashMap<>();
    private volatile long lastOutput = System.currentTimeMillis();

    private TodoDemo() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean ws = rest.remove("--ws");
        Path work = !rest.isEmpty() ? Files.createDirectories(Path.of(rest.get(0))) : Files.createTempDirectory("syncsqlite-demo");
        System.exit(run(work, ws) ? 0 : 1);
    }

    /** Runs the demo in {@code work}, through a folder or (with {@code ws}) a hub; true when the replicas converged. */
    static boolean run(Path work, boolean ws) throws Exception {
        return new TodoDemo().runReplicas(work, ws);
    }

    private boolean runReplicas(Path work, boolean ws) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        Process hub = null;
        String where;
        if (!ws) {
            where = Files.createDirectories(work.resolve("shared-folder")).toString();
            System.out.println("Three replicas, one SQLite file each, syncing through " + where + " (no server).");
        } else {
            // secrets go through the environment, never the command line (which ps shows)
            ProcessBuilder hubProcess = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HubMain.class.getName(),
                    "--port", "0", "--ws-port", "0",
                    "--data", work.resolve("hub.db").toString()).redirectErrorStream(true);
            hubProcess.environment().put("SYNCSQLITE_HUB_TOKENS", HUB_TOKEN + "=todo-demo");
            hub = hubProcess.start();
            try {
                where = "ws://127.0.0.1:" + wsPort(hub);
            } catch (IOException e) {
                hub.destroyForcibly();
                throw e;
            }
            System.out.println("Three replicas, one SQLite file each, syncing live over WebSocket through the hub at " + where + " (started by the demo).");
        }
        try {
            for (String name : NAMES) {
                ProcessBuilder replica = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TodoReplica.class.getName(),
                        name, work.resolve(name + ".db").toString(), where).redirectErrorStream(true);
                if (hub != null) replica.environment().put("SYNCSQLITE_TOKEN", HUB_TOKEN);
                Process p = replica.start();
                processes.add(p);
                Thread out = new Thread(() -> relay(name, p), "output of " + name);
                out.setDaemon(true);
                out.start();
            }
            lastOutput = System.currentTimeMillis();
            while (!converged()) {
                if (System.currentTimeMillis() - lastOutput > QUIET_MILLIS || processes.stream().anyMatch(p -> !p.isAlive())) {
                    System.out.println("The replicas did not converge (a process ended or none said anything for " + QUIET_MILLIS / 1000 + " s): " + states);
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
            if (hub != null) {
                hub.destroy(); // SIGTERM: the hub finishes in-flight requests and closes its store
                if (!hub.waitFor(30, TimeUnit.SECONDS)) hub.destroyForcibly();
            }
        }
    }

    /** Reads the hub's output until it says which WebSocket port it listens on, then keeps draining it. */
    private static int wsPort(Process hub) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            int at = line.indexOf("WebSocket on port ");
            if (at >= 0) {
                Thread drain = new Thread(() -> {
                    try {
                        r.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ended) {
                        // the hub was stopped at the end of the demo
                    }
                }, "hub output");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(line.substring(at + 18).split("\\D", 2)[0]);
            }
        }
        throw new IOException("the hub ended before listening");
    }

    /**
     * Every replica printed a state that holds every replica's last edits (its {@code finished} table has all of
     * them, committed together with those edits), and those states are the same table: judged from states printed
     * after the last edit anywhere, never from one that might predate it.
     */
    private synchronized boolean converged() {
        return states.size() == NAMES.size() && states.values().stream().distinct().count() == 1;
    }

    private void relay(String name, Process p) {
        String prefix = String.format("%-6s| ", name);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lastOutput = System.currentTimeMillis();
                if (line.startsWith("@STATE ")) {
                    String[] state = line.substring(7).split(" ");
                    if (Integer.parseInt(state[1]) == NAMES.size()) states.put(name, state[0]);
                } else {
                    System.out.println(prefix + line);
                }
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
