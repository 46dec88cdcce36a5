package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NasTransportTest {
    @TempDir
    Path dir;

    private Path share() throws IOException {
        return Files.createDirectories(dir.resolve("share"));
    }

    private List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replicasExchangeChangesThroughSegmentFiles() throws Exception {
        Path share = share();
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, ""); NasReplica b = new NasReplica(dir.resolve("b.db"), share, "")) {
            b.syncNow(); // the round opening b started is over: the next one is the one that reads a's segment
            a.exec("INSERT INTO todo(id, title) VALUES ('x', 'buy milk'), ('y', 'walk')");
            a.syncNow(); // the commit may already have published (nas publishes on commit): either way, one segment
            assertEquals(List.of("00000000000000000001.changes"), files(share.resolve("test").resolve(a.site())));
            assertEquals(6, b.syncNow().applied());
            b.exec("UPDATE todo SET done = 1 WHERE id = 'x'");
            b.syncNow();
            assertEquals(1, a.syncNow().applied());
            assertEquals("x|buy milk|1\ny|walk|0\n", a.dump());
            assertEquals(a.dump(), b.dump());
            assertEquals(0, b.syncNow().pulled(), "nothing new is read twice");
            assertTrue(a.errors().isEmpty() && b.errors().isEmpty(), () -> a.errors() + " " + b.errors());
        }
    }

    @Test
    void bytesSentAndReceivedAreTheSegmentFilesWrittenAndRead() throws Exception {
        Path share = share();
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, ""); NasReplica b = new NasReplica(dir.resolve("b.db"), share, "")) {
            b.syncNow(); // the round opening b started is over: the next one is the one that reads a's segment
            assertEquals(0, b.sync().status().bytesReceived(), "nothing published yet");
            a.exec("INSERT INTO todo(id, title) VALUES ('x', 'buy milk'), ('y', 'walk')");
            a.syncNow();
            long segment = Files.size(share.resolve("test").resolve(a.site()).resolve("00000000000000000001.changes"));
            assertEquals(segment, a.sync().status().bytesSent(), "a wrote one segment into the share");
            b.syncNow();
            assertEquals(segment, b.sync().status().bytesReceived(), "b read that segment");
            assertEquals(0, b.sync().status().bytesSent(), "b had nothing to publish");
        }
    }

    @Test
    void aPublishedSegmentIsNeverReplacedItsNumberIsSkipped() throws Exception {
        Path share = share();
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, ""); NasReplica b = new NasReplica(dir.resolve("b.db"), share, "")) {
            a.exec("INSERT INTO todo(id, title) VALUES ('x', 'first')");
            a.syncNow();
            Path folder = share.resolve("test").resolve(a.site());
            // another writer of this site folder (a second process, a copied database) got number 2 first
            Path taken = folder.resolve("00000000000000000002.changes");
            long hlc = io.syncsqlite.clock.Hlc.now();
            try (SegmentWriter w = new SegmentWriter(folder, a.site(), SegmentName.changes(2))) {
                w.append(new io.syncsqlite.change.Changeset(a.site(), List.of(
                        new io.syncsqlite.change.Change("todo", List.of("z"), null, null, hlc, a.site(), 1),
                        new io.syncsqlite.change.Change("todo", List.of("z"), "title", "other writer", hlc, a.site(), 1))));
                w.commit();
            }
            byte[] before = Files.readAllBytes(taken);
            a.exec("INSERT INTO todo(id, title) VALUES ('y', 'second')");
            a.syncNow();
            assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(taken)), "segment 2 was replaced");
            assertEquals(List.of("00000000000000000001.changes", "00000000000000000002.changes", "00000000000000000003.changes"), files(folder));
            assertTrue(a.errors().stream().anyMatch(e -> e.message().contains("already published")), () -> a.errors().toString());
            b.syncNow();
            assertEquals("x|first|0\ny|second|0\nz|other writer|0\n", b.dump());
        }
    }

    @Test
    void badParametersFailConnectNamingTheKey() {
        SQLException missing = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("p.db") + "?sync.transport=nas"));
        assertTrue(missing.getMessage().contains("sync.dir"), missing.getMessage());
        SQLException every = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("q.db") + "?sync.transport=nas&sync.dir=" + dir + "&sync.compactEvery=often"));
        assertTrue(every.getMessage().contains("sync.compactEvery") && every.getMessage().contains("positive integers"), every.getMessage());
    }

    @Test
    void corruptAndTruncatedSegmentsAreReportedSkippedAndHealedByCompaction() throws Exception {
        Path share = share();
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, "&sync.compactEvery=3");
             NasReplica b = new NasReplica(dir.resolve("b.db"), share, "&sync.compactEvery=3");
             NasReplica c = new NasReplica(dir.resolve("c.db"), share, "&sync.compactEvery=3");
             NasReplica d = new NasReplica(dir.resolve("d.db"), share, "")) {
            a.exec("INSERT INTO todo(id, title) VALUES ('a1', 'from a')");
            b.exec("INSERT INTO todo(id, title) VALUES ('b1', 'from b')");
            c.exec("INSERT INTO todo(id, title) VALUES ('c1', 'from c')");
            a.syncNow();
            b.syncNow();
            c.syncNow();
            Path aSegment = share.resolve("test").resolve(a.site()).resolve("00000000000000000001.changes");
            Path bSegment = share.resolve("test").resolve(b.site()).resolve("00000000000000000001.changes");
            byte[] damaged = Files.readAllBytes(aSegment);
            damaged[damaged.length / 2] ^= 0x5a;
            Files.write(aSegment, damaged);
            byte[] whole = Files.readAllBytes(bSegment);
            Files.write(bSegment, java.util.Arrays.copyOf(whole, whole.length - 7));

            d.syncNow();
            assertEquals("c1|from c|0\n", d.dump(), "the intact site still syncs");
            List<String> errors = d.errors().stream().map(SyncEvent::message).toList();
            assertEquals(2, errors.size(), errors::toString);
            assertTrue(errors.stream().anyMatch(m -> m.contains(aSegment.toString()) && m.contains("checksum")), errors::toString);
            assertTrue(errors.stream().anyMatch(m -> m.contains(bSegment.toString()) && m.contains("trailer")), errors::toString);
            d.syncNow();
            assertEquals(2, d.errors().size(), "a file that stays damaged is reported once");

            for (int i = 2; i <= 3; i++) { // the third segment triggers each writer's compaction
                a.exec("INSERT INTO todo(id, title) VALUES ('a" + i + "', 'from a')");
                b.exec("INSERT INTO todo(id, title) VALUES ('b" + i + "', 'from b')");
                a.syncNow();
                b.syncNow();
            }
            assertFalse(Files.exists(aSegment), "compaction replaced the damaged segment");
            d.syncNow();
            c.syncNow();
            a.syncNow();
            b.syncNow();
            String expected = "a1|from a|0\na2|from a|0\na3|from a|0\nb1|from b|0\nb2|from b|0\nb3|from b|0\nc1|from c|0\n";
            for (NasReplica r : List.of(a, b, c, d)) assertEquals(expected, r.dump());
        }
    }

    @Test
    void laggingAndNewReadersContinueFromSnapshotsAfterCompaction() throws Exception {
        Path share = share();
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, "&sync.compactEvery=3");
             NasReplica lagging = new NasReplica(dir.resolve("lag.db"), share, "")) {
            a.exec("INSERT INTO todo(id, title) VALUES ('gone', 'delete me'), ('keep', 'v1')");
            a.syncNow();
            lagging.syncNow();
            assertEquals("gone|delete me|0\nkeep|v1|0\n", lagging.dump());
            a.exec("DELETE FROM todo WHERE id = 'gone'");
            a.syncNow();
            for (int i = 2; i <= 8; i++) {
                a.exec("UPDATE todo SET title = 'v" + i + "' WHERE id = 'keep'", "INSERT INTO todo(id, title) VALUES ('n" + i + "', 'new')");
                a.syncNow();
            }
            Path folder = share.resolve("test").resolve(a.site());
            // nine segments with a snapshot every third: only the last snapshot is left
            assertEquals(List.of("00000000000000000009.snapshot"), files(folder));

            lagging.syncNow();
            assertEquals(a.dump(), lagging.dump());
            assertFalse(lagging.dump().contains("gone"), "a delete replaced by the snapshot still reaches a lagging reader");
            try (NasReplica fresh = new NasReplica(dir.resolve("fresh.db"), share, "")) {
                fresh.syncNow();
                assertEquals(a.dump(), fresh.dump());
                assertTrue(fresh.errors().isEmpty(), fresh.errors()::toString);
            }
            assertTrue(lagging.errors().isEmpty(), lagging.errors()::toString);
        }
    }

    @Test
    void readersRacingACompactingWriterNeverMissAChange() throws Exception {
        Path share = share();
        try (NasReplica writer = new NasReplica(dir.resolve("w.db"), share, "&sync.compactEvery=2");
             NasReplica reader = new NasReplica(dir.resolve("r.db"), share, "")) {
            Thread readerLoop = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) reader.syncNow();
                } catch (SQLException e) {
                    if (!Thread.currentThread().isInterrupted()) throw new IllegalStateException(e);
                }
            });
            readerLoop.start();
            for (int i = 0; i < 60; i++) {
                writer.exec("INSERT INTO todo(id, title) VALUES ('r" + i + "', 'row')", "UPDATE todo SET done = done + 1");
                writer.syncNow();
            }
            readerLoop.interrupt();
            readerLoop.join();
            reader.syncNow();
            assertEquals(writer.dump(), reader.dump());
            assertTrue(reader.errors().isEmpty(), reader.errors()::toString);
        }
    }

    @Test
    void missingSharedFolderFailsTheRoundAndSyncResumesWhenItReturns() throws Exception {
        Path share = share();
        Path away = dir.resolve("unmounted");
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, ""); NasReplica b = new NasReplica(dir.resolve("b.db"), share, "")) {
            a.exec("INSERT INTO todo(id, title) VALUES ('1', 'before')");
            a.syncNow();
            Files.move(share, away);
            a.exec("INSERT INTO todo(id, title) VALUES ('2', 'while unmounted')");
            SQLException failed = assertThrows(SQLException.class, a::syncNow);
            assertTrue(failed.getMessage().contains("sync.dir=" + share) && failed.getMessage().contains("mounted"), failed.getMessage());
            assertTrue(a.events.stream().anyMatch(e -> e.type() == SyncEvent.Type.FAILED && e.message().contains("missing")));
            assertFalse(Files.exists(share), "the shared root is never created by the transport");
            assertThrows(SQLException.class, a::syncNow);
            assertThrows(SQLException.class, a::syncNow);
            assertEquals(1, a.events.stream().filter(e -> e.type() == SyncEvent.Type.ERROR && e.message().startsWith("sync stalled: 3 rounds")).count(),
                    "three failed rounds in a row are reported as a stall, once");
            Files.move(away, share);
            a.syncNow();
            assertTrue(a.events.stream().anyMatch(e -> e.type() == SyncEvent.Type.PROGRESS && e.message().startsWith("sync recovered after")));
            b.syncNow();
            assertEquals("1|before|0\n2|while unmounted|0\n", b.dump());
        }
    }

    @Test
    void aWipedShareIsRepublishedAndReadersCatchUp() throws Exception {
        Path share = share();
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, ""); NasReplica b = new NasReplica(dir.resolve("b.db"), share, "")) {
            a.exec("INSERT INTO todo(id, title) VALUES ('1', 'one'), ('2', 'two')");
            a.syncNow();
            b.syncNow();
            try (Stream<Path> all = Files.walk(share.resolve("test"))) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
            a.exec("UPDATE todo SET title = 'uno' WHERE id = '1'");
            a.syncNow();
            assertTrue(a.errors().stream().anyMatch(e -> e.message().contains("republishing")), a.errors()::toString);
            b.syncNow();
            assertEquals(a.dump(), b.dump());
            try (NasReplica fresh = new NasReplica(dir.resolve("c.db"), share, "")) {
                fresh.syncNow();
                assertEquals("1|uno|0\n2|two|0\n", fresh.dump());
            }
        }
    }

    @Test
    void tempFilesOfCrashedWritesAreIgnoredByReadersAndCleanedUpByTheirOwner() throws Exception {
        Path share = share();
        Path folder;
        String site;
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, "")) {
            a.exec("INSERT INTO todo(id, title) VALUES ('1', 'one')");
            a.syncNow();
            site = a.site();
            folder = share.resolve("test").resolve(site);
        }
        Path stale = folder.resolve(SegmentWriter.TEMP_PREFIX + "00000000000000000002.changes-crashed");
        Path fresh = folder.resolve(SegmentWriter.TEMP_PREFIX + "00000000000000000002.changes-writing");
        Files.write(stale, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(1))));
        Files.write(fresh, new byte[] {4, 5, 6});
        try (NasReplica b = new NasReplica(dir.resolve("b.db"), share, "")) {
            b.syncNow();
            assertEquals("1|one|0\n", b.dump());
            assertTrue(b.errors().isEmpty(), b.errors()::toString);
        }
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, "")) {
            a.syncNow();
            assertFalse(Files.exists(stale), "a temp file left by a crash long ago is removed");
            assertTrue(Files.exists(fresh), "a temp file that may still be being written is left alone");
        }
    }
}
