package io.syncsqlite.tck.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite of "nothing lost": database files, each written by two replica processes at once (through the
 * driver, in transactions that commit or roll back, and through plain {@code jdbc:sqlite:} connections), syncing in
 * the background over a shared folder or a hub with random intervals and batch sizes, while processes are killed with
 * {@code kill -9} at random moments (whatever their engine is doing: capturing, publishing, pulling, applying,
 * retrying pending changes) and restarted, tables are added on some files only, and the hub is killed and restarted.
 * Once per run a file is copied at a random moment ({@code VACUUM INTO} while its processes write) and the copy starts
 * as a new device with a writer of its own: it must become a site of its own and lose nothing, neither its own writes
 * nor the original's. And once per run a file is restored from an older copy of itself (its processes killed, the
 * file overwritten in place): it must get back what it had published after the copy and take no version or key of
 * its own again.
 * Through the hub, the hub is also restored twice: once from a backup of its store file, once from a snapshot of its
 * whole data folder. After each backup a replica that never comes back writes and publishes rows; the others receive
 * them, and after the restore they must push them (and everything else they hold) to the hub again.
 * After healing, every file must hold exactly what the {@link ReferenceModel} computes from the committed operations.
 * <p>
 * Short by default (about 20 s per transport); {@code mvn -pl tck -am verify -Dtest=FaultSuiteIT -Dfault.long=true
 * -Dsurefire.failIfNoSpecifiedTests=false} runs the long version. A failure names its seed; {@code -Dfault.seed=N}
 * replays the same operations and faults (the engines' timing still varies).
 */
class FaultSuiteIT {
    private static final boolean LONG = Boolean.getBoolean("fault.long");
    private static final int FILES = LONG ? 4 : 2;
    private static final int PROCESSES_PER_FILE = 2;
    private static final int STEPS = LONG ? 3000 : 150;
    private static final double KILL_PER_STEP = LONG ? 0.01 : 0.015;
    private static final double HUB_CRASH_PER_STEP = LONG ? 0.004 : 0.01;
    private static final String NAMESPACE = "fault";
    private static final String TABLE_SQL = "(id TEXT PRIMARY KEY, name TEXT, n INTEGER)";

    @TempDir
    Path dir;

    @Test
    void throughASharedFolder() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        run(null, (file, random) -> "jdbc:syncsqlite:" + file + "?sync.transport=nas&sync.dir=" + share + "&sync.namespace=" + NAMESPACE
                + "&sync.interval=" + (30 + random.nextInt(300)) + "ms&sync.batchSize=" + (3 + random.nextInt(60)) + "&sync.compactEvery=" + (5 + random.nextInt(30)));
    }

    @Test
    void throughTheHub() throws Exception {
        try (HubProcess hub = new HubProcess(Files.createDirectories(dir.resolve("hub")).resolve("hub.db"), NAMESPACE, dir)) {
            run(hub, (file, random) -> "jdbc:syncsqlite:" + file + "?sync.transport=http&sync.url=" + hub.url() + "&sync.token=" + HubProcess.TOKEN
                    + "&sync.namespace=" + NAMESPACE + "&sync.timeout=5s&sync.interval=" + (30 + random.nextInt(300)) + "ms&sync.batchSize=" + (3 + random.nextInt(60)));
        }
    }

    private interface Urls {
        String of(Path file, Random random);
    }

    /** One writer process slot: which file, its owner name (rows it inserted are its own), the live process. */
    private static final class Slot {
        final int file;
        final String owner;
        ChildReplica process;
        int counter;
        int incarnation;

        Slot(int file, String owner) {
            this.file = file;
            this.owner = owner;
        }
    }

    private void run(HubProcess hub, Urls urls) throws Exception {
        long seed = Long.getLong("fault.seed", System.nanoTime());
        String replay = "seed " + seed + " (replay: -Dfault.seed=" + seed + (LONG ? " -Dfault.long=true" : "") + ")";
        System.out.println("FaultSuiteIT " + (hub == null ? "nas" : "hub") + ": " + replay);
        try {
            scenario(hub, urls, new Random(seed));
        } catch (Throwable t) {
            throw new AssertionError("fault suite failed with " + replay + "; logs in " + dir + ": " + t.getMessage(), t);
        }
    }

    private void scenario(HubProcess hub, Urls urls, Random random) throws Exception {
        List<Path> files = new ArrayList<>();
        List<String> fileUrls = new ArrayList<>();
        boolean[] hasExtra = new boolean[FILES + 1]; // + the copy made during the run
        for (int f = 0; f < FILES; f++) {
            Path file = dir.resolve("f" + f + ".db");
            try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE item" + TABLE_SQL);
            }
            files.add(file);
            fileUrls.add(urls.of(file, random));
        }
        List<Slot> slots = new ArrayList<>();
        for (int f = 0; f < FILES; f++) {
            for (int p = 0; p < PROCESSES_PER_FILE; p++) slots.add(new Slot(f, "f" + f + "p" + p));
        }
        ReferenceModel model = new ReferenceModel();
        int committed = 0;
        int rolledBack = 0;
        int kills = 0;
        int hubCrashes = 0;
        int certainHubCrash = STEPS / 4 + random.nextInt(STEPS / 2); // at least one per run, mid-traffic
        int cloneStep = random.nextInt(STEPS);
        int backupStep = random.nextInt(STEPS / 2);
        int restoreStep = backupStep + 1 + random.nextInt(STEPS - backupStep - 1);
        int restored = random.nextInt(FILES);
        Path backup = dir.resolve("backup-of-f" + restored + ".db");
        // hub restores: from a store backup, then from a folder snapshot, each a while after its backup
        int[] hubBackupStep = {STEPS / 8 + random.nextInt(STEPS / 8), STEPS / 2 + random.nextInt(STEPS / 8)};
        int[] hubRestoreStep = {hubBackupStep[0] + 5 + random.nextInt(STEPS / 8), hubBackupStep[1] + 5 + random.nextInt(STEPS / 8)};
        try {
            for (Slot s : slots) start(s, fileUrls.get(s.file), files.get(s.file));
            for (int step = 0; step < STEPS; step++) {
                Slot s = slots.get(random.nextInt(slots.size()));
                String table = hasExtra[s.file] && random.nextInt(4) == 0 ? "extra" : "item";
                int action = random.nextInt(100);
                if (action < 55) {
                    ReferenceModel.Op op = model.randomOp(random, s.owner, table, s.counter++);
                    s.process.call((random.nextInt(5) == 0 ? "PLAIN " : "EXEC ") + op.sql());
                    op.applyTo(model);
                    committed++;
                } else if (action < 85) {
                    boolean commit = random.nextInt(4) != 0;
                    ReferenceModel after = model.copy();
                    StringBuilder tx = new StringBuilder("TX " + (commit ? "COMMIT " : "ROLLBACK "));
                    int n = 2 + random.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        ReferenceModel.Op op = after.randomOp(random, s.owner, table, s.counter++);
                        tx.append(i == 0 ? "" : "\t").append(op.sql());
                        op.applyTo(after);
                    }
                    s.process.call(tx.toString());
                    if (commit) {
                        model = after;
                        committed += n;
                    } else {
                        rolledBack += n;
                    }
                } else if (action < 92) {
                    s.process.call("SYNC");
                } else if (action < 95) {
                    s.process.call("EXEC CREATE TABLE IF NOT EXISTS extra" + TABLE_SQL);
                    hasExtra[s.file] = true;
                } else {
                    s.process.call("QUERY SELECT count(*) FROM item");
                }
                if (random.nextDouble() < KILL_PER_STEP) {
                    Slot victim = slots.get(random.nextInt(slots.size()));
                    victim.process.kill(); // kill -9 while its engine runs in the background
                    kills++;
                    start(victim, fileUrls.get(victim.file), files.get(victim.file));
                }
                if (step == backupStep) copyOf(files.get(restored), backup);
                if (step == restoreStep) {
                    restoreFromOlderCopy(restored, backup, files, fileUrls, slots, model);
                    System.out.println("FaultSuiteIT: restored f" + restored + ".db from the copy taken at step " + backupStep + " (now step " + step + ")");
                }
                if (step == cloneStep) {
                    Slot copy = cloneAsNewDevice(random.nextInt(FILES), files, fileUrls, hasExtra, urls, random);
                    slots.add(copy);
                    start(copy, fileUrls.get(copy.file), files.get(copy.file));
                }
                for (int r = 0; hub != null && r < 2; r++) {
                    Path hubBackup = dir.resolve("hub-backup-" + r);
                    if (step == hubBackupStep[r]) {
                        if (r == 0) hub.backupStore(hubBackup);
                        else hub.snapshotFolder(hubBackup);
                        model = replicaThatNeverComesBack("gone" + r, files, urls, model, random);
                    }
                    if (step == hubRestoreStep[r]) {
                        hub.restore(hubBackup);
                        System.out.println("FaultSuiteIT: hub restored from " + (r == 0 ? "a backup of its store" : "a snapshot of its data folder")
                                + " taken at step " + hubBackupStep[r] + " (now step " + step + ")");
                    }
                }
                if (hub != null && (step == certainHubCrash || random.nextDouble() < HUB_CRASH_PER_STEP)) {
                    hub.crashAndRestart();
                    hubCrashes++;
                }
            }
        } finally {
            for (Slot s : slots) {
                if (s.process != null) s.process.close();
            }
        }
        System.out.println("FaultSuiteIT: " + STEPS + " steps, " + committed + " committed and " + rolledBack + " rolled-back writes, "
                + kills + " kill -9, " + hubCrashes + " hub crashes");
        heal(files, fileUrls, model);
    }

    /**
     * A replica on a file of its own writes a few rows, publishes them, and is gone for good (a lost laptop) once every
     * other file has received them: from then on only those files hold them. Returns the model with its writes.
     */
    private ReferenceModel replicaThatNeverComesBack(String owner, List<Path> files, Urls urls, ReferenceModel model, Random random) throws Exception {
        Path file = dir.resolve(owner + ".db");
        ReferenceModel after = model.copy();
        Slot gone = new Slot(-1, owner);
        try (Connection c = DriverManager.getConnection(urls.of(file, random)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS item" + TABLE_SQL);
            for (int i = 0; i < 5; i++) {
                ReferenceModel.Op op = after.randomOp(random, owner, "item", i);
                s.execute(op.sql());
                op.applyTo(after);
            }
            Await.until(owner + " published everything", Duration.ofSeconds(60), () -> c.unwrap(io.syncsqlite.SyncConnection.class).syncNow().pushed() == 0,
                    () -> "changes still unpublished");
        }
        String expected = ownRows(after.dump("item"), List.of(gone));
        for (Path f : files) {
            try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + f)) {
                Await.until(f.getFileName() + " received " + owner + "'s rows", Duration.ofSeconds(60),
                        () -> ownRows(dumpTable(plain, "item"), List.of(gone)).equals(expected), () -> difference(expected, ownRows(dumpTable(plain, "item"), List.of(gone))));
            }
        }
        System.out.println("FaultSuiteIT: " + owner + " published 5 writes, every file received them, and it is gone for good");
        return after;
    }

    /**
     * Copies file {@code from} while its processes write (as a backup tool or a copy to a new laptop would) and returns
     * a writer slot for the copy, started as a new device: it becomes a site of its own, writes rows of its own, and
     * must end with everything, as every other file must.
     */
    private Slot cloneAsNewDevice(int from, List<Path> files, List<String> fileUrls, boolean[] hasExtra, Urls urls, Random random) throws SQLException {
        Path copy = dir.resolve("copy-of-f" + from + ".db");
        copyOf(files.get(from), copy);
        files.add(copy);
        fileUrls.add(urls.of(copy, random));
        hasExtra[files.size() - 1] = hasExtra[from];
        System.out.println("FaultSuiteIT: copied " + files.get(from).getFileName() + " to " + copy.getFileName() + ", started as a new device");
        return new Slot(files.size() - 1, "copy");
    }

    /** A consistent copy of a database file while its processes write, as a backup tool takes it. */
    private static void copyOf(Path file, Path copy) throws SQLException {
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = plain.createStatement()) {
            s.execute("PRAGMA busy_timeout = 30000");
            s.execute("VACUUM INTO '" + copy + "'");
        }
    }

    /**
     * Restores file {@code f} in place from {@code backup}: its processes are killed, what they committed is published
     * first (a restore loses what was never published, and the model cannot know that), the file is overwritten with
     * the older copy (same file, as {@code cp backup.db app.db} does), and the restored replica syncs until it holds its
     * writers' rows again before they go on writing.
     */
    private void restoreFromOlderCopy(int f, Path backup, List<Path> files, List<String> fileUrls, List<Slot> slots, ReferenceModel model) throws Exception {
        List<Slot> writers = new ArrayList<>();
        for (Slot s : slots) if (s.file == f) writers.add(s);
        for (Slot s : writers) s.process.kill();
        try (Connection c = DriverManager.getConnection(fileUrls.get(f))) {
            Await.until("f" + f + " published everything", Duration.ofSeconds(60), () -> c.unwrap(io.syncsqlite.SyncConnection.class).syncNow().pushed() == 0,
                    () -> "changes still unpublished");
        }
        io.syncsqlite.SyncDriver.shutdown(); // the engine has closed the file before it is overwritten
        Path file = files.get(f);
        for (String suffix : List.of("-wal", "-shm")) Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        Files.write(file, Files.readAllBytes(backup)); // the same file, older content
        String expected = ownRows(model.dump("item") + "--\n" + model.dump("extra"), writers);
        try (Connection c = DriverManager.getConnection(fileUrls.get(f))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS extra" + TABLE_SQL);
            }
            Await.until("restored f" + f + " holds its writers' rows again", Duration.ofSeconds(60), () -> {
                c.unwrap(io.syncsqlite.SyncConnection.class).syncNow();
                return ownRows(dump(c), writers).equals(expected);
            }, () -> difference(expected, ownRows(dump(c), writers)));
        }
        for (Slot s : writers) start(s, fileUrls.get(f), file);
    }

    /** The lines of a dump that belong to the given writers (plus the table separator). */
    private static String ownRows(String dump, List<Slot> writers) {
        StringBuilder b = new StringBuilder();
        for (String line : dump.split("\n")) {
            boolean own = line.equals("--");
            for (Slot s : writers) own |= line.startsWith(s.owner + "-");
            if (own) b.append(line).append('\n');
        }
        return b.toString();
    }

    private void start(Slot s, String url, Path file) throws Exception {
        s.process = new ChildReplica(s.owner + "-" + s.incarnation++, url, file, dir);
    }

    /** Opens every file in this JVM, gives it every table, and syncs until all hold what the model says. */
    private void heal(List<Path> files, List<String> urls, ReferenceModel model) throws Exception {
        List<Connection> conns = new ArrayList<>();
        try {
            for (String url : urls) {
                Connection c = DriverManager.getConnection(url);
                conns.add(c);
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS extra" + TABLE_SQL);
                }
            }
            String expected = model.dump("item") + "--\n" + model.dump("extra");
            Await.until("every replica holds what the committed operations say", Duration.ofSeconds(LONG ? 300 : 90), () -> {
                for (Connection c : conns) c.unwrap(io.syncsqlite.SyncConnection.class).syncNow();
                for (Connection c : conns) {
                    if (!dump(c).equals(expected)) return false;
                }
                return true;
            }, () -> {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < conns.size(); i++) b.append(files.get(i)).append(": ").append(difference(expected, dump(conns.get(i)))).append("; ");
                return b.toString();
            });
            for (Connection c : conns) assertEquals(expected, dump(c));
        } finally {
            for (Connection c : conns) c.close();
        }
    }

    private static String dump(Connection c) throws SQLException {
        return dumpTable(c, "item") + "--\n" + dumpTable(c, "extra");
    }

    private static String dumpTable(Connection c, String table) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name, n FROM " + table + " ORDER BY id")) {
            while (rs.next()) b.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getLong(3)).append('\n');
        }
        return b.toString();
    }

    /** Rows missing and rows unexpected (a short summary for the failure message). */
    private static String difference(String expected, String actual) {
        List<String> want = List.of(expected.split("\n"));
        List<String> have = List.of(actual.split("\n"));
        List<String> missing = want.stream().filter(l -> !have.contains(l)).limit(10).toList();
        List<String> extra = have.stream().filter(l -> !want.contains(l)).limit(10).toList();
        return "missing " + missing + ", unexpected " + extra;
    }
}
