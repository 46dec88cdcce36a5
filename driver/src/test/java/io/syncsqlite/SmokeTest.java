package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Changeset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void twoReplicasExchangeInsertUpdateDelete() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            for (TestDb d : new TestDb[] {a, b}) d.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)");
            a.exec("INSERT INTO t VALUES (1, 'one', 1.5, x'0102')", "INSERT INTO t VALUES (2, 'two', 2, NULL)", "UPDATE t SET name = 'uno' WHERE id = 1");
            for (Changeset cs : a.drain()) b.apply(cs);
            assertEquals(a.dump("t"), b.dump("t"));
            b.exec("DELETE FROM t WHERE id = 2", "UPDATE t SET score = 9 WHERE id = 1");
            for (Changeset cs : b.drain()) a.apply(cs);
            assertEquals(b.dump("t"), a.dump("t"));
            System.out.println(a.dump("t"));
        }
    }
}
