package io.syncsqlite.transport.http;

import static io.syncsqlite.transport.http.Replicas.count;
import static io.syncsqlite.transport.http.Replicas.exec;
import static io.syncsqlite.transport.http.Replicas.open;
import static io.syncsqlite.transport.http.Replicas.sameData;
import static io.syncsqlite.transport.http.Replicas.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncResult;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An http replica's round pulls after it pushes; what it pushed itself it already holds, so the pull starts past its own
 * pushes when nothing of others came between them (OwnPushes), and fetches everything when something did.
 */
class OwnPushesTest {
    @TempDir
    Path dir;

    @Test
    void aRoundDoesNotPullBackWhatItJustPushedButStillGetsWhatOthersPushedBetween() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            String url = hub.uri().toString();
            // parts of 10 changes, several in flight: the cursor follows them one after the other
            try (Connection a = open(dir.resolve("a.db"), url, "&sync.interval=1h&sync.pushChanges=10");
                 Connection b = open(dir.resolve("b.db"), url, "&sync.interval=1h")) {
                sync(a).syncNow();
                sync(b).syncNow();
                for (int i = 0; i < 50; i++) exec(a, "INSERT INTO item(id, title, n) VALUES ('a" + i + "', 'from a', " + i + ")");
                SyncResult own = sync(a).syncNow();
                assertEquals(250, own.pushed()); // each row: its existence and 4 columns
                assertEquals(0, own.pulled(), "the round pulled back the changes it had just pushed");

                SyncResult others = sync(b).syncNow();
                assertEquals(250, others.pulled());
                assertEquals(50, count(b, "id LIKE 'a%'"));

                // b pushes between a's cursor and a's next push: a's pull must fetch b's row (and may fetch its own again)
                exec(b, "INSERT INTO item(id, title, n) VALUES ('b1', 'from b', 1)");
                sync(b).syncNow();
                exec(a, "INSERT INTO item(id, title, n) VALUES ('a-late', 'from a', 2)");
                SyncResult after = sync(a).syncNow();
                assertTrue(after.pulled() >= 5, "a missed b's row: " + after);
                assertEquals(1, count(a, "id = 'b1'"));
                sync(b).syncNow();
                assertTrue(sameData(a, b));
                // and a's next round, with nothing new anywhere, pulls nothing
                assertEquals(0, sync(a).syncNow().pulled());
            }
        }
    }
}
