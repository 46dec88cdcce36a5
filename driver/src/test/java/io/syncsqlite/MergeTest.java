package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import io.syncsqlite.clock.Hlc;
import io.syncsqlite.merge.ApplyResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeTest {
    private static final String REMOTE = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void reapplyingAChangesetIsANoOp() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            b.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            a.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b')", "DELETE FROM t WHERE id = 2");
            Changeset cs = a.drain().get(0);
            ApplyResult first = b.apply(cs);
            assertTrue(first.applied() > 0);
            String after = b.dump("t");
            ApplyResult again = b.apply(cs);
            assertEquals(0, again.applied());
            assertEquals(after, b.dump("t"));
            assertTrue(b.drain().isEmpty(), "applied changes are not captured as local ones");
        }
    }

    @Test
    void storageClassesRoundTripThroughTheWireFormat() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            String schema = "CREATE TABLE v(k BLOB PRIMARY KEY, i, r, t, b, n)";
            a.exec(schema);
            b.exec(schema);
            a.exec("INSERT INTO v VALUES (x'00ff', 9223372036854775807, 1.0, '1.0', x'', NULL)",
                   "INSERT INTO v VALUES (x'01', -1, 1e308 * 10, 'ünïcødé \"q\"', x'deadbeef', NULL)",
                   "INSERT INTO v VALUES (x'02', 0, -0.5, '', zeroblob(3), NULL)");
            for (Changeset cs : a.drain()) b.apply(ChangesetCodec.decode(ChangesetCodec.encode(cs)));
            String types = "SELECT group_concat(typeof(i) || typeof(r) || typeof(t) || typeof(b) || typeof(n), ',') FROM (SELECT * FROM v ORDER BY k)";
            try (Statement s = b.conn.createStatement(); ResultSet rs = s.executeQuery(types)) {
                rs.next();
                assertEquals("integerrealtextblobnull,integerrealtextblobnull,integerrealtextblobnull", rs.getString(1));
            }
            assertEquals(a.dump("v"), b.dump("v"));
        }
    }

    @Test
    void changeForAColumnNotYetHereIsAppliedOnceAlterTableAddsIt() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "ALTER TABLE t ADD COLUMN extra TEXT");
            b.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            a.exec("INSERT INTO t VALUES (1, 'x', 'new')");
            ApplyResult r = b.apply(a.drain().get(0));
            assertEquals(1, r.parked());
            assertTrue(r.awaitingSchema().get(0).contains("unknown column \"extra\""), r.awaitingSchema().toString());
            assertEquals("id=1:Integer v=x:String \n", b.dump("t"));
            b.exec("ALTER TABLE t ADD COLUMN extra TEXT");
            assertEquals(1, b.retryPending().applied());
            assertEquals("id=1:Integer v=x:String extra=new:String \n", b.dump("t"));
        }
    }

    @Test
    void hostileTableNameIsKeptPendingNeverExecuted() throws Exception {
        try (TestDb b = new TestDb(dir.resolve("b.db"))) {
            b.exec("CREATE TABLE y(id INTEGER PRIMARY KEY)", "INSERT INTO y VALUES (1)");
            String hostile = "x\"; DROP TABLE y; --";
            Changeset cs = new Changeset(REMOTE, List.of(new Change(hostile, List.of(1L), "c", "v", Hlc.now(), REMOTE, 1)));
            ApplyResult r = b.apply(ChangesetCodec.decode(ChangesetCodec.encode(cs)));
            assertEquals(0, r.applied());
            assertEquals(1, r.parked());
            assertTrue(r.awaitingSchema().get(0).contains("unknown table \"x\"\"; DROP TABLE y; --\""), r.awaitingSchema().toString());
            assertEquals("id=1:Integer \n", b.dump("y"));
        }
    }

    @Test
    void malformedChangesetsAreRejectedWithTheReason() {
        assertRejected("{", "Malformed changeset JSON");
        assertRejected("[]", "must be a JSON object");
        assertRejected("{\"v\":2,\"site\":\"" + REMOTE + "\",\"changes\":[]}", "unsupported changeset format version 2");
        assertRejected("{\"v\":1,\"site\":\"nothex\",\"changes\":[]}", "\"site\" must be 32 lowercase hex digits");
        assertRejected("{\"v\":1,\"site\":\"" + REMOTE + "\",\"changes\":[{\"t\":\"t\",\"pk\":[1],\"c\":\"x\",\"hlc\":-1,\"site\":\"" + REMOTE + "\",\"cl\":1}]}",
                "\"hlc\" must be a non-negative 64-bit integer");
        assertRejected("{\"v\":1,\"site\":\"" + REMOTE + "\",\"changes\":[{\"t\":\"t\",\"pk\":[],\"c\":\"x\",\"hlc\":1,\"site\":\"" + REMOTE + "\",\"cl\":1}]}",
                "\"pk\" must hold 1 to 64 values");
        assertRejected("{\"v\":1,\"site\":\"" + REMOTE + "\",\"changes\":[{\"t\":\"t\",\"pk\":[1],\"c\":\"x\",\"val\":{\"b\":\"@@\"},\"hlc\":1,\"site\":\"" + REMOTE + "\",\"cl\":1}]}",
                "Malformed base64");
        assertRejected("{\"v\":1,\"site\":\"" + REMOTE + "\",\"changes\":[{\"t\":\"t\",\"pk\":[1],\"c\":\"x\",\"hlc\":1,\"site\":\"" + REMOTE + "\",\"cl\":2}]}",
                "odd (live) causal length");
        assertRejected("{\"v\":1,\"site\":\"" + REMOTE + "\",\"changes\":[{\"t\":\"t\",\"pk\":[99999999999999999999],\"c\":\"x\",\"hlc\":1,\"site\":\"" + REMOTE + "\",\"cl\":1}]}",
                "64-bit range");
    }

    private static void assertRejected(String json, String reason) {
        InvalidChangesetException e = assertThrows(InvalidChangesetException.class, () -> ChangesetCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void versionsTooFarAheadAreRefusedAndKept() throws Exception {
        try (TestDb b = new TestDb(dir.resolve("b.db"))) {
            b.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            long future = Hlc.ofMillis(System.currentTimeMillis() + 3_600_000);
            ApplyResult r = b.apply(new Changeset(REMOTE, List.of(new Change("t", List.of(1L), "v", "later", future, REMOTE, 1))));
            assertEquals(1, r.parked());
            assertTrue(r.problems().get(0).contains("clock drift"), r.problems().toString());
            assertEquals("", b.dump("t"));
        }
    }

    @Test
    void remoteVersionRaisesTheLocalClockSoTheNextLocalWriteWins() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            b.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            // a remote replica whose clock runs 2 minutes ahead (within the allowed drift)
            long ahead = Hlc.ofMillis(System.currentTimeMillis() + 120_000);
            Changeset skewed = new Changeset(REMOTE, List.of(new Change("t", List.of(1L), null, null, ahead, REMOTE, 1),
                    new Change("t", List.of(1L), "v", "skewed", ahead, REMOTE, 1)));
            a.apply(skewed);
            b.apply(skewed);
            a.exec("UPDATE t SET v = 'after' WHERE id = 1"); // causally after the skewed write: must win everywhere
            for (Changeset cs : a.drain()) b.apply(cs);
            assertEquals("id=1:Integer v=after:String \n", b.dump("t"));
        }
    }
}
