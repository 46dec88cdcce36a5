package io.syncsqlite.transport.http;

import static io.syncsqlite.transport.http.Replicas.count;
import static io.syncsqlite.transport.http.Replicas.exec;
import static io.syncsqlite.transport.http.Replicas.open;
import static io.syncsqlite.transport.http.Replicas.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import io.syncsqlite.hub.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that lists two hubs over one PostgreSQL store ({@code sync.url=http://a,http://b}) goes on through the
 * second when the first stops: the round that meets the stopped hub fails and names it, the next one pushes and pulls
 * through the other, and nothing is lost or doubled.
 */
class HubFailoverTest {
    @TempDir
    Path dir;

    @Test
    void aReplicaListingTwoHubsGoesOnThroughTheSecondWhenTheFirstStops() throws Exception {
        String db = TestPostgres.newDatabase();
        HubServer a = HubServer.start(HubConfig.of(0, null, Replicas.tokens()).withStore(TestPostgres.store(db)));
        try (HubServer b = HubServer.start(HubConfig.of(0, null, Replicas.tokens()).withStore(TestPostgres.store(db)));
             Connection writer = open(dir.resolve("writer.db"), a.uri() + "," + b.uri(), "&sync.interval=1h");
             Connection reader = open(dir.resolve("reader.db"), b.uri().toString(), "&sync.interval=1h")) {
            for (int i = 0; i < 10; i++) exec(writer, "INSERT INTO item(id, title) VALUES ('before" + i + "', 'x')");
            sync(writer).syncNow();
            sync(reader).syncNow();
            assertEquals(10, count(reader, "1"), "pushed through a, pulled through b");
            a.close();
            for (int i = 0; i < 10; i++) exec(writer, "INSERT INTO item(id, title) VALUES ('after" + i + "', 'y')");
            SQLException failed = assertThrows(SQLException.class, () -> sync(writer).syncNow(), "the round that meets the stopped hub fails");
            assertTrue(failed.getMessage().contains(a.uri().getAuthority()) || String.valueOf(failed.getCause()).contains(a.uri().getAuthority()),
                    failed.toString());
            sync(writer).syncNow(); // the next round goes to b
            exec(reader, "INSERT INTO item(id, title) VALUES ('from-reader', 'z')");
            sync(reader).syncNow();
            sync(writer).syncNow();
            assertEquals(21, count(reader, "1"), "every row, once");
            assertEquals(21, count(writer, "1"), "and back to the writer through b");
            assertEquals(0, sync(writer).status().deadLetters());
        } finally {
            a.close();
        }
    }
}
