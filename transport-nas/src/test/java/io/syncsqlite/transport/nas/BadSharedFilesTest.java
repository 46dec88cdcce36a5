package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Well-formed files with bad content, planted by a participant of the share, hold back only their own site. */
class BadSharedFilesTest {
    private static final String BAD_SITE = "b".repeat(32);
    private static final String EVIL_SITE = "e".repeat(32);

    @TempDir
    Path dir;

    @Test
    void aSegmentWithANullKeyStallsOnlyItsSiteAndIsReportedByName() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, ""); NasReplica c = new NasReplica(dir.resolve("c.db"), share, "")) {
            // planted once the listeners are attached: an engine's first round runs on connect, and each bad file is
            // reported once
            Path nullKey = PlantedSegment.plant(share, "test", BAD_SITE, 1, json("{\"v\":1,\"site\":\"" + BAD_SITE
                    + "\",\"changes\":[{\"t\":\"todo\",\"pk\":[null],\"c\":\"title\",\"val\":\"x\",\"hlc\":1,\"cl\":1}]}"));
            Path hostile = PlantedSegment.plant(share, "test", EVIL_SITE, 1, json("{\"v\":1,\"site\":\"" + EVIL_SITE
                    + "\",\"changes\":[{\"t\":\"to\\u001b[2Jdo\",\"pk\":[1],\"c\":\"title\",\"val\":\"x\",\"hlc\":1,\"cl\":1,\"cl\":3}]}"));
            c.exec("INSERT INTO todo(id, title) VALUES ('c1', 'from c')");
            c.syncNow();
            a.syncNow(); // does not throw: the bad sites are reported, the round goes on
            assertEquals("c1|from c|0\n", a.dump(), "the healthy site is read whatever order the folder lists sites in");
            List<String> errors = a.errors().stream().map(SyncEvent::message).toList();
            assertTrue(errors.stream().anyMatch(m -> m.contains(nullKey.toString()) && m.contains("NULL")), errors::toString);
            assertTrue(errors.stream().anyMatch(m -> m.contains(hostile.toString()) && m.contains("duplicate field \"cl\"")), errors::toString);
            assertTrue(errors.stream().noneMatch(m -> m.contains("null)") || m.chars().anyMatch(Character::isISOControl)), errors::toString);
            c.exec("INSERT INTO todo(id, title) VALUES ('c2', 'later')");
            c.syncNow();
            a.syncNow();
            assertEquals("c1|from c|0\nc2|later|0\n", a.dump(), "the bad files keep stalling nobody");
            assertEquals(2, a.errors().size(), () -> "each bad file is reported once, not every round: " + a.errors());
        }
    }

    @Test
    void aHugeFileNamedLikeASegmentIsReportedOnceAndSkippedWithoutBeingRead() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, ""); NasReplica c = new NasReplica(dir.resolve("c.db"), share, "")) {
            // a 3 GB sparse file, and one whose header and trailer say "segment" around 512 MB of zeros
            Path sparse = Files.createDirectories(share.resolve("test").resolve(BAD_SITE)).resolve(SegmentName.changes(1).fileName());
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
                f.setLength(3L << 30);
            }
            byte[] real = PlantedSegment.bytes(EVIL_SITE, 1, json("{\"v\":1,\"site\":\"" + EVIL_SITE + "\",\"changes\":[]}"));
            Path claims = Files.createDirectories(share.resolve("test").resolve(EVIL_SITE)).resolve(SegmentName.changes(1).fileName());
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(claims.toFile(), "rw")) {
                long size = (512L << 20) + SegmentFormat.HEADER_LENGTH + SegmentFormat.TRAILER_LENGTH;
                f.setLength(size);
                f.write(real, 0, SegmentFormat.HEADER_LENGTH);
                f.seek(size - SegmentFormat.TRAILER_LENGTH);
                f.writeLong(512L << 20);
                f.writeInt(1);
                f.writeInt(0);
                f.write(SegmentFormat.TRAILER_MAGIC);
            }
            c.exec("INSERT INTO todo(id, title) VALUES ('c1', 'from c')");
            c.syncNow();
            a.syncNow();
            a.syncNow();
            assertEquals("c1|from c|0\n", a.dump(), "the other sites are read");
            List<String> errors = a.errors().stream().map(SyncEvent::message).toList();
            assertTrue(errors.stream().anyMatch(m -> m.contains(sparse.toString()) && m.contains("more than a segment may take")), errors::toString);
            assertTrue(errors.stream().anyMatch(m -> m.contains(claims.toString()) && m.contains("checksum mismatch")), errors::toString);
            assertEquals(2, a.errors().size(), () -> "each file is reported once: " + a.errors());
        }
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
