package io.syncsqlite.tck.scaleout;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncStatus;
import io.syncsqlite.hub.HubChild;
import io.syncsqlite.tck.fault.Await;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replicas (real SQLite files through the driver, in this JVM) spread over hub instances: even ones sync over http,
 * odd ones over ws, and each lists every hub, starting from a different one ({@code sync.url=a,b,c}, then
 * {@code b,c,a}, …), as docs/scaling-hubs.md tells operators to spread them. Each replica has a writer thread that
 * commits rows in its own transactions and records what committed; {@link #converged} checks that every replica
 * holds exactly that, once.
 */
final class Clients implements AutoCloseable {
    /** {@code -Dscaleout.long=true}: the scale-out tests write ten times as much, and hold their faults that much longer. */
    static final boolean LONG = Boolean.getBoolean("scaleout.long");

    /** The seed of the writers' pace, {@code -Dscaleout.seed} or a new one, printed with how to repeat it. */
    static long seed(Class<?> test) {
        long seed = Long.getLong("scaleout.seed", System.nanoTime());
        System.out.println(test.getSimpleName() + " seed " + seed + " (-Dscaleout.seed=" + seed + " repeats it)");
        return seed;
    }

    /** {@code n} transactions, ten times as many in the long run. */
    static int transactions(int n) {
        return LONG ? 10 * n : n;
    }

    /** One replica, its transport, the hub it talks to first, and what its application committed. */
    static final class Client {
        final String name;
        final String transport;
        final String firstHub;
        final Connection connection;
        /** Ids of the item rows (and i of the event rows) whose transaction committed. */
        final Set<Integer> committed = ConcurrentHashMap.newKeySet();
        final AtomicInteger written = new AtomicInteger();

        Client(String name, String transport, String firstHub, Connection connection) {
            this.name = name;
            this.transport = transport;
            this.firstHub = firstHub;
            this.connection = connection;
        }

        SyncStatus status() throws SQLException {
            return connection.unwrap(SyncConnection.class).status();
        }

        @Override
        public String toString() {
            return name + "(" + transport + " via " + firstHub + ")";
        }
    }

    private static final String SCHEMA = "CREATE TABLE IF NOT EXISTS item(id TEXT PRIMARY KEY, owner TEXT NOT NULL, n INTEGER NOT NULL);"
            + "CREATE TABLE IF NOT EXISTS event(id INTEGER PRIMARY KEY, owner TEXT NOT NULL, i INTEGER NOT NULL);"
            + "CREATE TABLE IF NOT EXISTS shared(id TEXT PRIMARY KEY, owner TEXT NOT NULL, n INTEGER NOT NULL)";

    final List<Client> all = new ArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    /** Item rows written by something other than the replicas (owner → n), which every replica must hold too. */
    private final Map<String, Set<Integer>> otherItems = new ConcurrentHashMap<>();
    /** Any exception a writer's application code saw: the swap of URL must never surface one. */
    final List<Throwable> applicationErrors = new CopyOnWriteArrayList<>();

    /** {@code count} replicas in {@code dir} over {@code hubs}. */
    Clients(int count, List<HubChild> hubs, Path dir) throws SQLException {
        for (int r = 0; r < count; r++) {
            boolean ws = r % 2 == 1;
            List<String> urls = new ArrayList<>();
            for (int h = 0; h < hubs.size(); h++) {
                HubChild hub = hubs.get((r + h) % hubs.size());
                urls.add((ws ? hub.wsUri() : hub.uri()).toString());
            }
            String url = "jdbc:syncsqlite:" + dir.resolve("c" + r + ".db") + "?sync.transport=" + (ws ? "ws" : "http") + "&sync.url=" + String.join(",", urls)
                    + "&sync.token=" + HubChild.TOKEN + "&sync.timeout=5s&sync.interval=" + (ws ? "1s" : "200ms");
            Connection c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                for (String ddl : SCHEMA.split(";")) s.execute(ddl);
            }
            all.add(new Client("c" + r, ws ? "ws" : "http", "hub" + r % hubs.size(), c));
        }
    }

    /**
     * Starts one writer per replica: each commits, one transaction at a time, an item row of its own, an event row (an
     * INTEGER PRIMARY KEY the driver allocates) and every third time an update of one of five rows every replica
     * writes, pausing 0–{@code pauseMillis} ms between transactions, until {@link #stopWriting} or {@code each}
     * transactions.
     */
    void startWriting(int each, int pauseMillis, long seed) {
        writing.set(true);
        for (Client c : all) {
            Random random = new Random(seed + c.name.hashCode());
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < each && writing.get(); i++) {
                        write(c, i, random);
                        if (pauseMillis > 0) Thread.sleep(random.nextInt(pauseMillis + 1)); // the application's pace between transactions
                    }
                } catch (Throwable e) {
                    applicationErrors.add(new AssertionError(c + " write failed", e));
                }
            }, "writer-" + c.name);
            writers.add(t);
            t.start();
        }
    }

    private static void write(Client c, int i, Random random) throws SQLException {
        Connection conn = c.connection;
        conn.setAutoCommit(false);
        try (Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO item(id, owner, n) VALUES ('" + c.name + "-" + i + "', '" + c.name + "', " + i + ")");
            s.executeUpdate("INSERT INTO event(owner, i) VALUES ('" + c.name + "', " + i + ")");
            if (i % 3 == 0) {
                s.executeUpdate("INSERT INTO shared(id, owner, n) VALUES ('s" + random.nextInt(5) + "', '" + c.name + "', " + i
                        + ") ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, n = excluded.n");
            }
            conn.commit();
            c.committed.add(i);
            c.written.incrementAndGet();
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
    }

    /** Item rows of {@code owner} numbered {@code n} that reach the replicas from elsewhere (e.g. a hub client in the test). */
    void expectOtherItems(String owner, Set<Integer> n) {
        otherItems.put(owner, Set.copyOf(n));
    }

    /** Waits until every writer committed at least {@code n} transactions (or finished). */
    void awaitWritten(int n, Duration timeout) throws Exception {
        Await.until("every writer committed " + n + " transactions", timeout,
                () -> all.stream().allMatch(c -> c.written.get() >= n) || writers.stream().noneMatch(Thread::isAlive),
                () -> written());
    }

    /** Stops the writers and waits for them. */
    void stopWriting() throws InterruptedException {
        writing.set(false);
        joinWriters();
    }

    void joinWriters() throws InterruptedException {
        for (Thread t : writers) t.join();
    }

    private String written() {
        Map<String, Integer> out = new TreeMap<>();
        for (Client c : all) out.put(c.name, c.written.get());
        return out.toString();
    }

    /** Item rows every replica must hold: each committed one, once. */
    long expectedItems() {
        return all.stream().mapToLong(c -> c.committed.size()).sum();
    }

    /**
     * Waits until every replica holds exactly what was committed everywhere (each committed item and event once,
     * nothing else), has nothing unpublished or pending and no dead letter, and all hold the same rows.
     */
    void awaitConverged(Duration timeout) throws Exception {
        Await.until("every replica holds every committed row once, with nothing unpublished or pending", timeout, this::converged, this::describe);
        String expected = dump(all.get(0).connection);
        for (Client c : all) {
            if (!expected.equals(dump(c.connection))) throw new AssertionError(c + " differs from " + all.get(0) + ":\n" + dump(c.connection) + "\nvs\n" + expected);
        }
    }

    private boolean converged() throws SQLException {
        Map<String, Set<Integer>> committed = committed();
        Map<String, Set<Integer>> items = new TreeMap<>(committed);
        items.putAll(otherItems);
        for (Client c : all) {
            SyncStatus s = c.status();
            if (s.unpublished() != 0 || s.pending() != 0 || s.deadLetters() != 0) return false;
            if (!items.equals(rows(c.connection, "item")) || !committed.equals(rows(c.connection, "event"))) return false;
        }
        return true;
    }

    private Map<String, Set<Integer>> committed() {
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (Client c : all) if (!c.committed.isEmpty()) out.put(c.name, new TreeSet<>(c.committed));
        return out;
    }

    /** The (owner, n) pairs of {@code table}; throws on a pair held twice (a doubled row). */
    private static Map<String, Set<Integer>> rows(Connection c, String table) throws SQLException {
        Map<String, Set<Integer>> out = new TreeMap<>();
        String n = table.equals("item") ? "n" : "i";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT owner, " + n + " FROM " + table)) {
            while (rs.next()) {
                if (!out.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getInt(2))) {
                    throw new AssertionError(table + " row " + rs.getString(1) + "/" + rs.getInt(2) + " is held twice");
                }
            }
        }
        return out;
    }

    private String describe() throws SQLException {
        StringBuilder b = new StringBuilder("committed " + expectedItems() + " transactions; ");
        for (Client c : all) {
            SyncStatus s = c.status();
            b.append('\n').append(c).append(": items=").append(count(c.connection, "item")).append(" events=").append(count(c.connection, "event"))
                    .append(" unpublished=").append(s.unpublished()).append(" pending=").append(s.pending()).append(" deadLetters=").append(s.deadLetters())
                    .append(" state=").append(s.state()).append(" lastError=").append(s.lastError());
        }
        return b.toString();
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of every table in key order (event keys are the driver's, the same on every replica once synced). */
    private static String dump(Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        for (String q : List.of("SELECT id, owner, n FROM item ORDER BY id", "SELECT id, owner, i FROM event ORDER BY id", "SELECT id, owner, n FROM shared ORDER BY id")) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
                while (rs.next()) b.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getLong(3)).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        stopWriting();
        for (Client c : all) c.connection.close();
    }
}
