package io.syncsqlite.tck.constraints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.syncsqlite.Conflict;
import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomized convergence under constraints, checked against a reference model. 3 to 5 replicas over memory, nas, http
 * or ws write, each in one transaction: UNIQUE swaps through a temporary value and hand-overs, lists reversed under a
 * composite {@code UNIQUE(list, pos)}, soft deletes under a partial expression index {@code UNIQUE(lower(name)) WHERE
 * deleted = 0} with the name reused, NOT NULL rows whose cells several sites edit, parents deleted with their children
 * cascading, notes that any replica sets on memos their owner created, entries whose keys the driver chooses, and a few
 * sign-ups that claim an email another replica may claim too (the only genuine conflicts); replicas restart and sync at
 * random, take folder backups and are restored from them in place, with the side file {@code -syncsqlite.id} or without
 * it, and a restored replica may insert entries before its first round (over a hub: while it cannot reach it); a fresh
 * replica joins at the end and rebuilds the memo table with a backfill ({@code coalesce(body, '')}) while it bootstraps.
 * <p>
 * The model: every row any replica committed is on every replica at the end unless its parent was deleted or it lost a
 * genuine conflict (then it is recorded in {@code _syncsqlite_conflicts} and was a contested sign-up); every entry is on
 * every replica once, an entry whose key another creation took after being brought back through the way out
 * ({@code restoreConflict}, under a new key); rows that only
 * their owner edits hold the owner's last values; every memo holds the body its owner gave it (a backfill invents no
 * value); nothing is pending; all replicas are identical.
 * <p>
 * Each seed is printed. The default run is one seed per transport; the long mode runs many:
 * {@code mvn -B -ntp -pl tck -am verify -Dtest=ConstraintsConvergenceTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dconstraints.seeds=200} (seeds 1..200, transports in turn; {@code -Dconstraints.firstSeed=N} starts elsewhere);
 * {@code -Dconstraints.seed=N} replays one seed.
 */
class ConstraintsConvergenceTest {
    private static final String[] SCHEMA = {
        "CREATE TABLE person(id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
        "CREATE TABLE slot(id TEXT PRIMARY KEY, list TEXT NOT NULL, pos INTEGER NOT NULL CHECK (pos > 0), UNIQUE (list, pos))",
        "CREATE TABLE acct(id TEXT PRIMARY KEY, name TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0)",
        "CREATE UNIQUE INDEX acct_live_name ON acct(lower(name)) WHERE deleted = 0",
        "CREATE TABLE pair(id TEXT PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)",
        "CREATE TABLE parent(id TEXT PRIMARY KEY, label TEXT)",
        "CREATE TABLE child(id TEXT PRIMARY KEY, parent TEXT NOT NULL REFERENCES parent(id) ON DELETE CASCADE, v INTEGER)",
        "CREATE TABLE memo(id TEXT PRIMARY KEY, body TEXT, note TEXT)",
        "CREATE TABLE entry(id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    };
    /** The migration a bootstrapping replica runs: the 12-step rebuild making {@code memo.body} NOT NULL, backfilled. */
    private static final String[] REBUILD_MEMO = {
        "CREATE TABLE memo_new(id TEXT PRIMARY KEY, body TEXT NOT NULL DEFAULT '', note TEXT)",
        "INSERT INTO memo_new(id, body, note) SELECT id, coalesce(body, ''), note FROM memo",
        "DROP TABLE memo",
        "ALTER TABLE memo_new RENAME TO memo",
    };
    private static final List<String> TABLES = List.of("person", "slot", "acct", "pair", "parent", "child", "memo");
    private static final List<String> TRANSPORTS = List.of("memory", "nas", "http", "ws");

    @TempDir
    Path dir;

    @Test
    void replicasConvergeUnderConstraints() throws Exception {
        String one = System.getProperty("constraints.seed");
        int seeds = Integer.getInteger("constraints.seeds", TRANSPORTS.size());
        long first = Long.getLong("constraints.firstSeed", 1);
        List<Long> run = new ArrayList<>();
        if (one != null) run.add(Long.parseLong(one));
        else for (long s = first; s < first + seeds; s++) run.add(s);
        for (long seed : run) {
            String transport = TRANSPORTS.get((int) ((seed - 1) % TRANSPORTS.size()));
            System.out.println("ConstraintsConvergenceTest seed " + seed + " over " + transport + " (replay: -Dconstraints.seed=" + seed + ")");
            try {
                new Scenario(seed, transport, Files.createDirectories(dir.resolve("seed-" + seed))).run();
            } catch (AssertionError | Exception e) {
                throw new AssertionError("seed " + seed + " over " + transport + " failed (replay: -Dconstraints.seed=" + seed + "): " + e.getMessage(), e);
            }
        }
    }

    /** One seeded run. */
    private static final class Scenario {
        final long seed;
        final String transport;
        final Path dir;
        final Random random;
        final int replicas;
        final List<String> urls = new ArrayList<>();
        final List<Connection> open = new ArrayList<>();
        /** Every row committed, per table: its key, and who owns it. */
        final Map<String, Map<String, Integer>> committed = new HashMap<>();
        /** Rows deleted by the model (parents deleted, their children cascading). */
        final Set<String> deleted = new HashSet<>();
        /** Keys of sign-ups that claimed a shared email (the only rows a genuine conflict may remove). */
        final Set<String> contested = new HashSet<>();
        /**
         * Conflict records ({@code table|key}) of replicas as they were just before a backup of theirs was restored: a
         * replica keeps the losers it judged in its own {@code _syncsqlite_conflicts}, which the restore takes back to
         * the backup's state (docs/constraints.md, restored copies).
         */
        final Set<String> recordedBeforeRestores = new TreeSet<>();
        /** The text of every entry committed (keys left to the driver, so the text names the row). */
        final Set<String> entries = new TreeSet<>();
        /** Entries recorded as having lost their key by replicas just before a backup of theirs was restored (as above). */
        final Set<String> entriesRecordedBeforeRestores = new TreeSet<>();
        Transports group;
        /** The values of rows only their owner edits, as the owner last wrote them: table|id -> dump. */
        final Map<String, String> ownerValues = new LinkedHashMap<>();
        int counter;

        Scenario(long seed, String transport, Path dir) {
            this.seed = seed;
            this.transport = transport;
            this.dir = dir;
            this.random = new Random(seed);
            this.replicas = 3 + random.nextInt(3);
            for (String t : TABLES) committed.put(t, new HashMap<>());
        }

        void run() throws Exception {
            try (Transports group = new Transports(transport, dir)) {
                try {
                    runWith(group);
                } finally { // before the hub stops: each replica's last connection makes a final push
                    for (Connection c : open) c.close();
                }
            }
        }

        void runWith(Transports group) throws Exception {
            this.group = group;
            for (int r = 0; r < replicas; r++) {
                urls.add(group.url("r" + r));
                Connection c = Transports.open(urls.get(r) + "&foreign_keys=true");
                Transports.exec(c, SCHEMA);
                open.add(c);
            }
            for (int r = 0; r < replicas; r++) seedOwnRows(r);
            syncAll();
            int steps = 25 + random.nextInt(15);
            for (int step = 0; step < steps; step++) step(random.nextInt(replicas));
            try (Connection fresh = Transports.open(group.url("fresh") + "&foreign_keys=true")) {
                Transports.exec(fresh, SCHEMA);
                // its migrations run while its engine's first round bootstraps it: rows may have arrived in part
                Transports.inOneTransaction(fresh, REBUILD_MEMO);
                List<Connection> all = new ArrayList<>(open);
                all.add(fresh);
                boolean quiet = Transports.syncUntil(all, 90_000, () -> identical(all) && nothingPending(all));
                if (restoreEntriesThatLostTheirKey(all)) quiet = Transports.syncUntil(all, 90_000, () -> identical(all) && nothingPending(all));
                check(all, quiet);
            }
        }

        String next(int r) {
            return "r" + r + "-" + (++counter);
        }

        void committed(String table, String id, int owner) {
            committed.get(table).put(id, owner);
        }

        void seedOwnRows(int r) throws SQLException {
            Connection c = open.get(r);
            List<String> sql = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String id = next(r);
                sql.add("INSERT INTO person VALUES ('" + id + "', '" + id + "@own')");
                committed("person", id, r);
            }
            for (int i = 1; i <= 4; i++) {
                String id = next(r);
                sql.add("INSERT INTO slot VALUES ('" + id + "', 'list-r" + r + "', " + i + ")");
                committed("slot", id, r);
            }
            String acct = next(r);
            sql.add("INSERT INTO acct VALUES ('" + acct + "', 'Name-r" + r + "', 0)");
            committed("acct", acct, r);
            String parent = next(r);
            sql.add("INSERT INTO parent VALUES ('" + parent + "', 'p')");
            committed("parent", parent, r);
            String memo = next(r);
            sql.add("INSERT INTO memo VALUES ('" + memo + "', 'body-" + memo + "', NULL)");
            committed("memo", memo, r);
            Transports.inOneTransaction(c, sql.toArray(String[]::new));
        }

        void step(int r) throws Exception {
            Connection c = open.get(r);
            switch (random.nextInt(14)) {
                case 0 -> swapEmails(r, c);
                case 1 -> handOver(r, c);
                case 2 -> reverseList(r, c);
                case 3 -> reuseName(r, c);
                case 4 -> pairs(r, c);
                case 5 -> family(r, c);
                case 6 -> contestedSignUp(r, c);
                case 7 -> restart(r);
                case 8 -> memo(r, c);
                case 9 -> backUpOrRestore(r);
                case 10, 11 -> entries(r, c);
                default -> Transports.syncUntil(List.of(c), 0, () -> true);
            }
        }

        List<String> ownedAlive(String table, int r) {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, Integer> e : committed.get(table).entrySet()) {
                if (e.getValue() == r && !deleted.contains(table + "|" + e.getKey()) && !contested.contains(e.getKey())) out.add(e.getKey());
            }
            out.sort(null);
            return out;
        }

        void swapEmails(int r, Connection c) throws SQLException {
            List<String> mine = ownedAlive("person", r);
            if (mine.size() < 2) return;
            String x = mine.get(random.nextInt(mine.size()));
            String y = mine.get(random.nextInt(mine.size()));
            if (x.equals(y)) return;
            // the two current emails change places, through a temporary value
            String ex = email(c, x);
            String ey = email(c, y);
            Transports.inOneTransaction(c,
                    "UPDATE person SET email = 'tmp' WHERE id = '" + x + "'",
                    "UPDATE person SET email = '" + ex + "' WHERE id = '" + y + "'",
                    "UPDATE person SET email = '" + ey + "' WHERE id = '" + x + "'");
            rememberOwner(c, "person", x);
            rememberOwner(c, "person", y);
        }

        void handOver(int r, Connection c) throws SQLException {
            List<String> mine = ownedAlive("person", r);
            if (mine.size() < 2) return;
            String giver = mine.get(random.nextInt(mine.size()));
            String taker = mine.get(random.nextInt(mine.size()));
            if (giver.equals(taker)) return;
            String value = email(c, giver);
            Transports.inOneTransaction(c,
                    "UPDATE person SET email = 'fresh-" + next(r) + "' WHERE id = '" + giver + "'",
                    "UPDATE person SET email = '" + value + "' WHERE id = '" + taker + "'");
            rememberOwner(c, "person", giver);
            rememberOwner(c, "person", taker);
        }

        void reverseList(int r, Connection c) throws SQLException {
            String list = "list-r" + r;
            Transports.inOneTransaction(c,
                    "UPDATE slot SET pos = pos + 1000 WHERE list = '" + list + "'",
                    "UPDATE slot SET pos = (SELECT count(*) FROM slot s WHERE s.list = slot.list) + 1 - (pos - 1000) WHERE list = '" + list + "'");
            if (random.nextBoolean()) {
                String id = next(r);
                Transports.exec(c, "INSERT INTO slot VALUES ('" + id + "', '" + list + "', (SELECT coalesce(max(pos), 0) + 1 FROM slot WHERE list = '" + list + "'))");
                committed("slot", id, r);
            }
            for (String id : ownedAlive("slot", r)) rememberOwner(c, "slot", id);
        }

        void reuseName(int r, Connection c) throws SQLException {
            List<String> live = new ArrayList<>();
            for (String id : ownedAlive("acct", r)) if (count(c, "SELECT count(*) FROM acct WHERE deleted = 0 AND id = '" + id + "'") == 1) live.add(id);
            if (live.isEmpty()) return;
            String old = live.get(0);
            String id = next(r);
            String name = random.nextBoolean() ? "NAME-R" + r : "name-r" + r;
            Transports.inOneTransaction(c,
                    "UPDATE acct SET deleted = 1 WHERE id = '" + old + "'",
                    "INSERT INTO acct VALUES ('" + id + "', '" + name + "', 0)");
            committed("acct", id, r);
            rememberOwner(c, "acct", old);
            rememberOwner(c, "acct", id);
        }

        void pairs(int r, Connection c) throws SQLException {
            List<String> all = new ArrayList<>(committed.get("pair").keySet());
            all.sort(null);
            if (all.isEmpty() || random.nextInt(3) == 0) {
                String id = next(r);
                Transports.exec(c, "INSERT INTO pair VALUES ('" + id + "', 'a-" + id + "', 'b-" + id + "')");
                committed("pair", id, r);
                return;
            }
            // any replica edits any pair it has: NOT NULL cells last written by several sites
            String id = all.get(random.nextInt(all.size()));
            String column = random.nextBoolean() ? "a" : "b";
            Transports.exec(c, "UPDATE pair SET " + column + " = '" + column + "-by-r" + r + "-" + next(r) + "' WHERE id = '" + id + "'");
        }

        void family(int r, Connection c) throws SQLException {
            List<String> parents = ownedAlive("parent", r);
            if (parents.isEmpty() || random.nextInt(4) == 0) {
                String p = next(r);
                Transports.exec(c, "INSERT INTO parent VALUES ('" + p + "', 'p')");
                committed("parent", p, r);
                return;
            }
            String p = parents.get(random.nextInt(parents.size()));
            if (random.nextInt(3) == 0) {
                Transports.exec(c, "DELETE FROM parent WHERE id = '" + p + "'"); // its children cascade
                deleted.add("parent|" + p);
                for (Map.Entry<String, Integer> e : committed.get("child").entrySet()) {
                    if (e.getValue() == r && p.equals(childParent.get(e.getKey()))) deleted.add("child|" + e.getKey());
                }
                return;
            }
            String child = next(r);
            Transports.exec(c, "INSERT INTO child VALUES ('" + child + "', '" + p + "', " + random.nextInt(100) + ")");
            committed("child", child, r);
            childParent.put(child, p);
        }

        final Map<String, String> childParent = new HashMap<>();

        /** A sign-up with an email from a small shared pool: another replica may claim it concurrently (a genuine conflict). */
        void contestedSignUp(int r, Connection c) throws SQLException {
            String id = next(r);
            String email = "shared-" + random.nextInt(3) + "@x";
            try {
                Transports.exec(c, "INSERT INTO person VALUES ('" + id + "', '" + email + "')");
            } catch (SQLException taken) {
                return; // taken here already: refused locally, as on plain SQLite
            }
            committed("person", id, r);
            contested.add(id);
        }

        /** One to three entries whose keys the driver chooses. */
        void entries(int r, Connection c) throws SQLException {
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                String text = "entry-" + next(r);
                Transports.exec(c, "INSERT INTO entry(text) VALUES ('" + text + "')");
                entries.add(text);
            }
        }

        /**
         * Entries that lost their key to another creation of it are brought back once under a new key, as an application
         * would (docs/constraints.md, a key the driver chose, created twice); the copies other replicas recorded are
         * discarded. Returns whether there were any.
         */
        boolean restoreEntriesThatLostTheirKey(List<Connection> all) throws SQLException {
            Set<Object> restored = new HashSet<>();
            for (Connection c : all) {
                SyncConnection sc = c.unwrap(SyncConnection.class);
                for (Conflict lost : sc.conflicts(1000)) {
                    if (!lost.table().equals("entry")) continue;
                    assertEquals(lost.key(), lost.winner(), "an entry loses only its key: " + lost);
                    System.out.println("  entry " + lost.row().get("text") + " lost key " + lost.key() + " on " + sc.siteId());
                    if (restored.add(lost.row().get("text"))) sc.restoreConflict(lost.id(), Map.of());
                    else sc.discardConflict(lost.id());
                }
            }
            return !restored.isEmpty();
        }

        /** A new memo of its own, or a note on anyone's: a memo's cells are last written by different sites. */
        void memo(int r, Connection c) throws SQLException {
            List<String> all = new ArrayList<>(committed.get("memo").keySet());
            all.sort(null);
            if (all.isEmpty() || random.nextInt(3) == 0) {
                String id = next(r);
                Transports.exec(c, "INSERT INTO memo VALUES ('" + id + "', 'body-" + id + "', NULL)");
                committed("memo", id, r);
                return;
            }
            Transports.exec(c, "UPDATE memo SET note = 'note-by-r" + r + "-" + next(r) + "' WHERE id = '" + all.get(random.nextInt(all.size())) + "'");
        }

        /**
         * The first time, a folder backup of replica {@code r}: its database as of now ({@code VACUUM INTO}) and the side
         * file beside it. The next time, that backup restored in place, with the side file or without it (then the
         * side file in place says the site published more). Every replica's engine makes its last push first, so what
         * {@code r} committed after the backup is published and comes back to it.
         */
        void backUpOrRestore(int r) throws Exception {
            Path db = dir.resolve("r" + r + ".db");
            Path mark = dir.resolve("r" + r + ".db-syncsqlite.id");
            Path savedDb = dir.resolve("backup-r" + r + ".db");
            Path savedMark = dir.resolve("backup-r" + r + ".db-syncsqlite.id");
            if (!Files.exists(savedDb)) {
                Transports.exec(open.get(r), "VACUUM INTO '" + savedDb + "'");
                if (Files.exists(mark)) Files.copy(mark, savedMark);
                // what the site publishes after its backup, and a restore writing first may meet under the same keys
                entries(r, open.get(r));
                Transports.syncUntil(List.of(open.get(r)), 0, () -> true);
                return;
            }
            recordedBeforeRestores.addAll(losers(open.get(r)));
            for (Conflict lost : open.get(r).unwrap(SyncConnection.class).conflicts(1000)) {
                if (lost.table().equals("entry")) entriesRecordedBeforeRestores.add(String.valueOf(lost.row().get("text")));
            }
            boolean withMark = Files.exists(savedMark) && random.nextInt(4) > 0; // the restore only the transport can tell, most often
            System.out.println("  restoring r" + r + " from its backup " + (withMark ? "with" : "without") + " the side file");
            SyncDriver.shutdown();
            for (Connection c : open) c.close();
            Files.write(db, Files.readAllBytes(savedDb));
            if (withMark) Files.write(mark, Files.readAllBytes(savedMark));
            for (Path p : List.of(savedDb, savedMark, dir.resolve("r" + r + ".db-wal"), dir.resolve("r" + r + ".db-shm"))) Files.deleteIfExists(p);
            if (random.nextBoolean()) {
                // the application writes before the first round: over a hub, which it cannot reach yet, its keys come
                // from the old site's block and may meet entries the old site inserted after the backup
                boolean hub = transport.equals("http") || transport.equals("ws");
                System.out.println("  r" + r + " inserts entries before its first round");
                try (Connection first = Transports.open((hub ? group.unreachableUrl("r" + r) : urls.get(r)) + "&foreign_keys=true")) {
                    entries(r, first);
                }
                SyncDriver.shutdown();
            }
            for (int i = 0; i < open.size(); i++) open.set(i, Transports.open(urls.get(i) + "&foreign_keys=true"));
            Transports.syncUntil(List.of(open.get(r)), 0, () -> true);
        }

        void restart(int r) throws SQLException {
            open.get(r).close();
            open.set(r, Transports.open(urls.get(r) + "&foreign_keys=true"));
        }

        void syncAll() throws Exception {
            Transports.syncUntil(open, 0, () -> true);
        }

        void rememberOwner(Connection c, String table, String id) throws SQLException {
            ownerValues.put(table + "|" + id, row(c, table, id));
        }

        boolean identical(List<Connection> all) throws SQLException {
            String first = null;
            for (Connection c : all) {
                StringBuilder b = new StringBuilder();
                for (String t : TABLES) b.append(Transports.dump(c, t)).append('\n');
                b.append(Transports.dump(c, "entry"));
                if (first == null) first = b.toString();
                else if (!first.contentEquals(b)) return false;
            }
            return true;
        }

        boolean nothingPending(List<Connection> all) throws SQLException {
            for (Connection c : all) if (count(c, "SELECT count(*) FROM _syncsqlite_pending") > 0) return false;
            return true;
        }

        void check(List<Connection> all, boolean quiet) throws SQLException {
            for (Connection c : all) {
                assertEquals(0, count(c, "SELECT count(*) FROM _syncsqlite_pending"), "nothing pending: " + pendingReasons(c));
            }
            assertTrue(identical(all), "all replicas identical");
            assertTrue(quiet);
            Set<String> losers = new TreeSet<>(recordedBeforeRestores);
            for (Connection c : all) losers.addAll(losers(c));
            Connection c = all.get(0);
            for (String table : TABLES) {
                Set<String> present = new HashSet<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
                    while (rs.next()) present.add(rs.getString(1));
                }
                for (String id : committed.get(table).keySet()) {
                    String key = table + "|" + id;
                    if (deleted.contains(key)) {
                        assertTrue(!present.contains(id), key + " was deleted");
                    } else if (!present.contains(id)) {
                        assertTrue(losers.contains(key), key + " was committed, is on no replica and is not recorded as a conflict loser");
                    }
                }
            }
            for (String id : committed.get("memo").keySet()) {
                assertEquals("body-" + id, bodyOf(c, id), "memo " + id + " keeps the body its owner gave it");
            }
            for (String text : entries) {
                long copies = count(c, "SELECT count(*) FROM entry WHERE text = '" + text + "'");
                if (copies == 0 && entriesRecordedBeforeRestores.contains(text)) continue; // its record went back with a restore
                assertEquals(1, copies, "entry " + text + " is on every replica once");
            }
            assertEquals(0, count(c, "SELECT count(*) FROM entry WHERE text NOT IN (SELECT text FROM entry GROUP BY text HAVING count(*) = 1)"),
                    "no entry twice");
            for (Map.Entry<String, String> e : ownerValues.entrySet()) {
                String[] at = e.getKey().split("\\|");
                assertEquals(e.getValue(), row(c, at[0], at[1]), e.getKey() + " holds its owner's last values");
            }
        }

        static String bodyOf(Connection c, String id) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT body FROM memo WHERE id = '" + id + "'")) {
                return rs.next() ? rs.getString(1) : "(no memo)";
            }
        }

        /** The losers {@code c} recorded, as {@code table|key}; each must be a contested sign-up. */
        Set<String> losers(Connection c) throws SQLException {
            Set<String> out = new TreeSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tbl, pk, reason FROM _syncsqlite_conflicts")) {
                while (rs.next()) {
                    if (rs.getString(1).equals("entry")) continue; // rows that lost their key: restoreEntriesThatLostTheirKey
                    String key = rs.getString(2).replaceAll("^\\[\"|\"\\]$", "");
                    out.add(rs.getString(1) + "|" + key);
                    if (!contested.contains(key)) fail("row " + key + " of " + rs.getString(1) + " lost a conflict it was not part of: " + rs.getString(3));
                }
            }
            return out;
        }

        String email(Connection c, String id) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT email FROM person WHERE id = '" + id + "'")) {
                return rs.next() ? rs.getString(1) : null;
            }
        }

        static String row(Connection c, String table, String id) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE id = '" + id + "'")) {
                if (!rs.next()) return "(none)";
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) b.append(rs.getString(i)).append('|');
                return b.toString();
            }
        }

        static long count(Connection c, String sql) throws SQLException {
            return Transports.count(c, sql);
        }

        static String pendingReasons(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT group_concat(DISTINCT reason) FROM _syncsqlite_pending")) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }
}
