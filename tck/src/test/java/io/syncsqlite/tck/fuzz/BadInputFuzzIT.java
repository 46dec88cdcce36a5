package io.syncsqlite.tck.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.TestDb;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import io.syncsqlite.hub.Tokens;
import io.syncsqlite.transport.nas.PlantedSegment;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input of every kind ({@link ChangesetFuzzer}) into each place it can arrive: the codec, the apply path, the hub's
 * push endpoint and files planted in a shared folder. Each input is either valid or refused with a message that names
 * the problem (never "null", never a raw control character); a refused input stores and applies nothing; well-behaved
 * sites and clients keep syncing; the hub answers health throughout and never answers 5xx.
 * <p>
 * Short by default (a few seconds per target). The long run: {@code mvn -B -ntp verify -pl tck -am -Dtest=BadInputFuzzIT
 * -Dfuzz.long=true -Dsurefire.failIfNoSpecifiedTests=false}. Every run prints its seed; {@code -Dfuzz.seed=N} replays it.
 */
class BadInputFuzzIT {
    private static final boolean LONG = Boolean.getBoolean("fuzz.long");
    private static final int SCALE = LONG ? 50 : 1;
    private static final String SITE = "f".repeat(32);
    private static final String TOKEN = "fuzz-token";
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

    static {
        System.out.println("BadInputFuzzIT seed " + SEED + " (replay: -Dfuzz.seed=" + SEED + (LONG ? " -Dfuzz.long=true" : "") + ")");
    }

    @TempDir
    Path dir;

    /** What one target saw: inputs per kind, and outcomes (refusal reasons, shortened to their kind). */
    private static final class Tally {
        final String target;
        final Map<String, Integer> inputs = new TreeMap<>();
        final Map<String, Integer> outcomes = new TreeMap<>();
        final List<String> failures = new ArrayList<>();

        Tally(String target) {
            this.target = target;
        }

        void input(Enum<?> kind) {
            inputs.merge(kind.name(), 1, Integer::sum);
        }

        void outcome(String what) {
            outcomes.merge(what.length() > 70 ? what.substring(0, 70) : what, 1, Integer::sum);
        }

        void fail(String seedAndInput, String what) {
            if (failures.size() < 20) failures.add(what + " — " + seedAndInput);
        }

        void report() {
            int n = inputs.values().stream().mapToInt(Integer::intValue).sum();
            System.out.println("fuzz " + target + ": " + n + " inputs " + inputs + "; outcomes " + outcomes);
            assertTrue(failures.isEmpty(), () -> "fuzz " + target + " (seed " + SEED + ") found:\n" + String.join("\n", failures));
        }
    }

    /** A message fit to show a user: says something, never "null", no raw control characters. */
    private static String badMessage(String m) {
        if (m == null || m.isBlank()) return "no message";
        if (m.equals("null") || m.endsWith(": null")) return "message reads null: " + m;
        if (m.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n')) return "raw control character in: " + m.replaceAll("\\p{Cntrl}", "?");
        return null;
    }

    private static String shown(ChangesetFuzzer.Input in) {
        String t = in.text().replaceAll("\\p{Cntrl}", "?");
        return in.kind() + " " + (t.length() > 160 ? t.substring(0, 160) + "…" : t);
    }

    @Test
    void codecRefusesEveryBadChangesetWithAReason() {
        Tally tally = new Tally("codec");
        ChangesetFuzzer fuzzer = new ChangesetFuzzer(new Random(SEED), SITE, 2 * SCALE);
        for (int i = 0; i < 3000 * SCALE; i++) {
            ChangesetFuzzer.Input in = fuzzer.next();
            tally.input(in.kind());
            try {
                ChangesetCodec.decode(in.bytes());
                tally.outcome("decoded");
            } catch (InvalidChangesetException e) {
                String bad = badMessage(e.getMessage());
                if (bad != null) tally.fail(shown(in), bad);
                tally.outcome(kindOf(e.getMessage()));
            } catch (RuntimeException | StackOverflowError e) {
                tally.fail(shown(in), "decoder threw " + e);
            }
        }
        tally.report();
    }

    @Test
    void theApplyPathAppliesAllOrNothingAndKeepsGoing() throws Exception {
        Tally tally = new Tally("apply");
        ChangesetFuzzer fuzzer = new ChangesetFuzzer(new Random(SEED + 1), SITE, 0);
        try (TestDb db = new TestDb(dir.resolve("apply.db"))) {
            db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b NOT NULL DEFAULT 0)");
            db.drain();
            for (int i = 0; i < 600 * SCALE; i++) {
                ChangesetFuzzer.Input in = fuzzer.next();
                tally.input(in.kind());
                Changeset cs;
                try {
                    cs = ChangesetCodec.decode(in.bytes());
                } catch (InvalidChangesetException e) {
                    tally.outcome("refused by the codec");
                    continue;
                }
                String before = db.dump("t") + pending(db);
                try {
                    var r = db.apply(cs);
                    tally.outcome(r.parked() > 0 ? "applied, some kept pending" : "applied");
                } catch (SQLException e) {
                    String bad = badMessage(e.getMessage());
                    if (bad != null) tally.fail(shown(in), bad);
                    if (!before.equals(db.dump("t") + pending(db))) tally.fail(shown(in), "a refused changeset changed the database: " + e.getMessage());
                    tally.outcome("refused: " + kindOf(e.getMessage()));
                } catch (RuntimeException e) {
                    tally.fail(shown(in), "apply threw " + e);
                }
            }
            // a good change still applies after all that
            long now = System.currentTimeMillis() << 16;
            db.apply(ChangesetCodec.decode(("{\"v\":1,\"site\":\"" + SITE + "\",\"changes\":[{\"t\":\"t\",\"pk\":[999],\"c\":\"a\",\"val\":\"ok\",\"hlc\":"
                    + now + ",\"cl\":1},{\"t\":\"t\",\"pk\":[999],\"c\":null,\"hlc\":" + now + ",\"cl\":1}]}").getBytes()));
            assertTrue(db.dump("t").contains("a=ok"), "the apply path still works after the fuzzing");
        }
        tally.report();
    }

    @Test
    void theHubRefusesBadPushesStoresNothingOfThemAndStaysHealthy() throws Exception {
        Tally tally = new Tally("hub push");
        ChangesetFuzzer fuzzer = new ChangesetFuzzer(new Random(SEED + 2), SITE, SCALE);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (HubServer hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), new Tokens().grant(TOKEN, "fz")))) {
            for (int i = 0; i < 250 * SCALE; i++) {
                ChangesetFuzzer.Input in = fuzzer.next();
                tally.input(in.kind());
                long cellsBefore = hub.cellCount("fz");
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/push")).header("Authorization", "Bearer " + TOKEN)
                        .header("Sync-Batch", "fuzz." + i).POST(HttpRequest.BodyPublishers.ofByteArray(in.bytes())).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    tally.outcome(r.body().contains("\"refused\":[]") ? "200 stored" : "200 stored, some refused");
                } else if (r.statusCode() >= 400 && r.statusCode() < 500) {
                    String bad = badMessage(r.body().replace("\\n", "\n"));
                    if (bad != null || !r.body().contains("\"error\"")) tally.fail(shown(in), bad == null ? "no error message" : bad);
                    if (hub.cellCount("fz") != cellsBefore) tally.fail(shown(in), "a refused push stored something");
                    tally.outcome(r.statusCode() + " " + kindOf(r.body()));
                } else {
                    tally.fail(shown(in), "hub answered " + r.statusCode() + ": " + r.body());
                }
                if (i % 25 == 0) {
                    HttpResponse<String> health = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/health")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() != 200) tally.fail("after input " + i, "health answered " + health.statusCode());
                }
            }
            // a well-behaved client syncs through the same hub afterwards
            String url = "jdbc:syncsqlite:" + dir.resolve("good.db") + "?sync.transport=http&sync.url=" + hub.uri() + "&sync.token=" + TOKEN + "&sync.interval=1h";
            try (Connection good = DriverManager.getConnection(url); Statement s = good.createStatement()) {
                s.execute("CREATE TABLE good(id TEXT PRIMARY KEY, v TEXT)");
                s.execute("INSERT INTO good VALUES ('k', 'v')");
                good.unwrap(SyncConnection.class).syncNow();
                assertEquals(0, good.unwrap(SyncConnection.class).status().deadLetters());
            }
        }
        tally.report();
    }

    @Test
    void plantedSharedFolderFilesHoldBackOnlyTheirOwnSite() throws Exception {
        Tally tally = new Tally("nas files");
        Random random = new Random(SEED + 3);
        Path share = Files.createDirectories(dir.resolve("share"));
        String healthyUrl = "jdbc:syncsqlite:" + dir.resolve("healthy.db") + "?sync.transport=nas&sync.dir=" + share + "&sync.namespace=fz&sync.interval=1h";
        String readerUrl = "jdbc:syncsqlite:" + dir.resolve("reader.db") + "?sync.transport=nas&sync.dir=" + share + "&sync.namespace=fz&sync.interval=1h";
        try (Connection healthy = DriverManager.getConnection(healthyUrl); Connection reader = DriverManager.getConnection(readerUrl)) {
            for (Connection c : List.of(healthy, reader)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b NOT NULL DEFAULT 0)");
                }
            }
            List<SyncEvent> errors = new CopyOnWriteArrayList<>();
            reader.unwrap(SyncConnection.class).addListener(e -> {
                if (e.type() == SyncEvent.Type.ERROR) errors.add(e);
            });
            int rounds = 8 * SCALE;
            int perRound = 5;
            for (int round = 0; round < rounds; round++) {
                List<Path> planted = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    String site = HexFormat.of().formatHex(longs(random));
                    ChangesetFuzzer.Input in = new ChangesetFuzzer(random, site, 0).next();
                    tally.input(in.kind());
                    byte[] segment = PlantedSegment.bytes(site, 1, in.bytes());
                    if (random.nextInt(4) == 0) segment[random.nextInt(segment.length)] ^= (byte) (1 << random.nextInt(8)); // damage the container too
                    Path folder = Files.createDirectories(share.resolve("fz").resolve(site));
                    Path file = folder.resolve("00000000000000000001.changes");
                    Files.write(file, segment);
                    planted.add(file);
                }
                try (Statement s = healthy.createStatement()) {
                    // keys above what the planted changes use: the healthy replica reads those files too
                    s.execute("INSERT INTO t(id, a) VALUES (" + (1_000_000 + round) + ", 'round " + round + "')");
                }
                healthy.unwrap(SyncConnection.class).syncNow();
                errors.clear();
                try {
                    reader.unwrap(SyncConnection.class).syncNow();
                } catch (SQLException e) {
                    tally.fail("round " + round, "the reader's round failed: " + e.getMessage());
                }
                if (count(reader, "t WHERE a = 'round " + round + "'") != 1) tally.fail("round " + round, "the healthy site's change did not arrive");
                for (SyncEvent e : errors) {
                    String bad = badMessage(e.message());
                    if (bad != null) tally.fail("round " + round, bad);
                    // a bad file is named by its path; a good file's parked change by its site, or (far-future versions,
                    // grouped across sites) by the setting that refuses them
                    boolean named = e.message().contains("sync.maxClockDrift")
                            || planted.stream().anyMatch(p -> e.message().contains(p.toString()) || e.message().contains(p.getParent().getFileName().toString()));
                    if (!named) {
                        tally.fail("round " + round, "an error names no planted file or site: " + e.message());
                    }
                    tally.outcome(kindOf(e.message().replaceAll(".*\\.changes:? ?", "")));
                }
                for (Path p : planted) {
                    Files.delete(p);
                    Files.delete(p.getParent());
                }
            }
        }
        tally.report();
    }

    @Test
    void hostileWebSocketFramesAndHandshakesNeverTakeTheEndpointDown() throws Exception {
        Tally tally = new Tally("ws frames and handshakes");
        HostileWsFuzzer fuzzer = new HostileWsFuzzer(new Random(SEED), TOKEN);
        HubConfig config = HubConfig.of(0, dir.resolve("ws-hub.db"), new Tokens().grant(TOKEN, "fz"))
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0).withAuthSeconds(1).withUnauthenticatedCaps(1024, 1024));
        try (HubServer hub = HubServer.start(config)) {
            HttpClient http = HttpClient.newHttpClient();
            int batch = 40;
            for (int round = 0; round < 5 * SCALE; round++) {
                List<java.net.Socket> open = new ArrayList<>();
                List<java.net.Socket> authenticated = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    HostileWsFuzzer.Input in = fuzzer.next();
                    tally.input(in.kind());
                    java.net.Socket s = new java.net.Socket("127.0.0.1", hub.wsPort());
                    s.setSoTimeout(200);
                    try {
                        s.getOutputStream().write(in.bytes());
                        tally.outcome("sent");
                    } catch (java.io.IOException cut) {
                        tally.outcome("cut while sending");
                    }
                    // a connection that said a valid hello is a client's, held to the heartbeat rather than the auth deadline
                    (in.kind() == HostileWsFuzzer.Kind.FRAMES_AFTER_HELLO ? authenticated : open).add(s);
                }
                // every unauthenticated hostile connection is closed by the hub: at once, or at the 1 s auth deadline
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                for (java.net.Socket s : open) {
                    boolean closed = false;
                    while (!closed && System.nanoTime() < deadline) {
                        try {
                            closed = s.getInputStream().read(new byte[4096]) < 0;
                        } catch (java.net.SocketTimeoutException stillOpen) {
                            // look again until the deadline
                        } catch (java.io.IOException reset) {
                            closed = true;
                        }
                    }
                    if (!closed) tally.fail("round " + round, "a hostile connection was still open 15 s later");
                    s.close();
                }
                for (java.net.Socket s : authenticated) s.close();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() != 200 || !health.body().contains("\"ws\":\"serving\"")) tally.fail("round " + round, "health: " + health.body());
            }
            if (hub.metrics().snapshot().get("ws_endpoint_restarts") != 0) tally.fail("all rounds", "the WebSocket endpoint had to be started again");
        }
        tally.report();
    }

    private static byte[] longs(Random random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return b;
    }

    private static int count(Connection c, String from) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String pending(TestDb db) throws SQLException {
        try (Statement s = db.conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM _syncsqlite_pending")) {
            rs.next();
            return "|pending " + rs.getLong(1);
        }
    }

    /** The refusal's kind: its text without numbers, names and positions, so like refusals are counted together. */
    private static String kindOf(String message) {
        String m = message.replaceAll("\\{\"error\":\"", "").replaceAll("\"[^\"]*\"", "\"…\"").replaceAll("'[^']*'", "'…'")
                .replaceAll("\\d+", "N").replaceAll("\\(change N\\)", "").replaceAll("line: N, column: N", "");
        int cut = m.indexOf(" at [Source");
        return cut > 0 ? m.substring(0, cut) : m;
    }
}
