package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas in separate JVM processes sharing one local folder. */
class NasProcessTest {
    @TempDir
    Path dir;

    @Test
    void threeProcessesWritingConcurrentlyConverge() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        int rows = 150;
        List<ChildReplica> children = new ArrayList<>();
        try {
            for (String name : List.of("ann", "bob", "cyd")) children.add(new ChildReplica(dir.resolve(name + ".db"), share, name, rows, dir));
            for (ChildReplica c : children) c.awaitLine("DONE");
            Await.until("three identical dumps of " + (3 * rows + 7) + " rows", ChildReplica.TIMEOUT, () -> {
                try {
                    String first = children.get(0).dump();
                    return first.lines().count() == 3 * rows + 7 && children.stream().allMatch(c -> dumpEquals(c, first));
                } catch (SQLException e) {
                    return false; // a file busy at that instant: look again
                }
            });
        } finally {
            for (ChildReplica c : children) c.close();
        }
        String ann = children.get(0).dump();
        for (ChildReplica c : children) assertEquals(ann, c.dump());
        assertTrue(ann.contains("shared-0|"), "the rows all three edited exist once, with one winner");
    }

    @Test
    void aKilledWriterNeverExposesAPartialSegmentAndResumesWithoutLoss() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        Path db = dir.resolve("victim.db");
        try (NasReplica reader = new NasReplica(dir.resolve("reader.db"), share, "")) {
            ChildReplica victim = new ChildReplica(db, share, "victim", 1_000_000, dir);
            Path folder;
            try {
                victim.awaitLine("COMMITTED 0");
                folder = share.resolve("test").resolve(victim.site());
                Await.until("the victim to publish several segments", ChildReplica.TIMEOUT, () -> victim.lastCommitted() > 400 && segmentCount(folder) >= 3);
                // reading while the victim writes and compacts
                for (int i = 0; i < 5; i++) reader.syncNow();
            } finally {
                victim.killHard();
            }
            int committed = victim.lastCommitted();
            for (Path f : segments(folder)) {
                Segment.read(f, victim.site(), SegmentName.parse(f.getFileName().toString()).orElseThrow()); // throws if partial
            }
            reader.syncNow();
            assertTrue(reader.errors().isEmpty(), () -> "no partial segment was seen: " + reader.errors());

            try (ChildReplica restarted = new ChildReplica(db, share, "victim", 0, dir)) {
                restarted.awaitLine("DONE");
                try {
                    Await.until("the reader to catch up with the restarted victim", Duration.ofSeconds(20), () -> {
                        try {
                            reader.syncNow();
                            return reader.dump().equals(restarted.dump());
                        } catch (SQLException e) {
                            return false;
                        }
                    });
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; reader rows " + reader.dump().lines().count() + ", victim rows "
                            + restarted.dump().lines().count() + ", committed " + committed + ", files " + segments(folder)
                            + ", events " + reader.events.stream().filter(ev -> ev.type() != io.syncsqlite.SyncEvent.Type.STARTED).limit(20).toList()
                            + ", stderr " + restarted.stderr() + ", stdout " + restarted.lines, e);
                }
                String seen = reader.dump();
                for (int i = 0; i <= committed; i++) assertTrue(seen.contains("victim-" + i + "|"), "committed row victim-" + i + " lost");
                assertTrue(reader.errors().isEmpty(), reader.errors()::toString);
            }
        }
    }

    private static boolean dumpEquals(ChildReplica c, String expected) {
        try {
            return c.dump().equals(expected);
        } catch (SQLException e) {
            return false;
        }
    }

    private static int segmentCount(Path folder) {
        try {
            return Files.isDirectory(folder) ? segments(folder).size() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static List<Path> segments(Path folder) throws java.io.IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder)) {
            for (Path p : s) if (SegmentName.parse(p.getFileName().toString()).isPresent()) out.add(p);
        }
        return out;
    }
}
