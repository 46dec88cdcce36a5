package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit is published to the shared folder right away, not at the writer's next interval. */
class NasPublishOnCommitTest {
    @TempDir
    Path dir;

    @Test
    void aCommitReachesAPollingReaderWithoutTheWritersIntervalOrSyncNow() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        NasReplica.createSchema(dir.resolve("w.db"));
        NasReplica.createSchema(dir.resolve("r.db"));
        // the writer's own interval is an hour: only its commits can make it publish
        try (Connection writer = DriverManager.getConnection(NasReplica.url(dir.resolve("w.db"), share, "commit", "1h"));
             Connection reader = DriverManager.getConnection(NasReplica.url(dir.resolve("r.db"), share, "commit", "100ms"));
             Statement w = writer.createStatement()) {
            w.execute("INSERT INTO todo(id, title) VALUES ('1', 'milk')");
            Await.until("the writer's commit on the reader", Duration.ofSeconds(10), () -> count(reader) == 1);
            // a burst of commits goes out together (one round a short delay after the first), not one segment per commit
            for (int i = 2; i <= 40; i++) w.execute("INSERT INTO todo(id, title) VALUES ('" + i + "', 'burst')");
            Await.until("the burst on the reader", Duration.ofSeconds(10), () -> count(reader) == 40);
            long segments;
            try (Stream<Path> files = Files.walk(share.resolve("commit"))) {
                segments = files.filter(p -> p.toString().endsWith(".changes")).count();
            }
            assertEquals(true, segments < 20, "segments for 40 commits: " + segments);
        }
    }

    private static long count(Connection c) {
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM todo")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
