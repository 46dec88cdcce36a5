package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Changeset;
import io.syncsqlite.merge.ApplyResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Table and column names are matched as SQLite matches them: case-insensitively for ASCII letters. */
class IdentifierCaseTest {
    @TempDir
    Path dir;

    @Test
    void tablesAndColumnsSpelledInAnotherCaseSyncBothWays() throws Exception {
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            a.exec("CREATE TABLE Users(Id TEXT PRIMARY KEY, Name TEXT, Age INTEGER)");
            b.exec("CREATE TABLE users(id TEXT PRIMARY KEY, name TEXT, age INTEGER)");
            a.exec("INSERT INTO Users VALUES ('u1', 'Ann', 30)");
            for (Changeset cs : a.drain()) {
                ApplyResult r = b.apply(cs);
                assertEquals(0, r.parked(), () -> "nothing pending: " + r);
            }
            b.exec("UPDATE users SET age = 31 WHERE id = 'u1'");
            for (Changeset cs : b.drain()) assertEquals(0, a.apply(cs).parked());
            assertEquals("Id=u1:String Name=Ann:String Age=31:Integer \n", a.dump("Users"));
            assertEquals("id=u1:String name=Ann:String age=31:Integer \n", b.dump("users"));
        }
    }
}
