package io.syncsqlite.transport.nas;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a segment file around arbitrary frames, with valid lengths and checksum: what a buggy or hostile
 * participant of the share could publish. Tests use it to plant well-formed files with bad content.
 */
public final class PlantedSegment {
    private PlantedSegment() {
    }

    /** Plants {@code <share>/<namespace>/<site>/<seq>.changes} holding {@code frames} (raw changeset bytes). */
    public static Path plant(Path share, String namespace, String site, long seq, byte[]... frames) throws IOException {
        Path folder = Files.createDirectories(share.resolve(namespace).resolve(site));
        Path file = folder.resolve(SegmentName.changes(seq).fileName());
        Files.write(file, bytes(site, seq, frames));
        return file;
    }

    /** The bytes of a well-formed segment of {@code site} numbered {@code seq} around {@code frames}. */
    public static byte[] bytes(String site, long seq, byte[]... frames) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(body))) {
            for (byte[] f : frames) {
                out.writeInt(f.length);
                out.write(f);
            }
        }
        ByteBuffer header = ByteBuffer.allocate(SegmentFormat.HEADER_LENGTH);
        header.put(SegmentFormat.HEADER_MAGIC).put(site.getBytes(StandardCharsets.US_ASCII)).put((byte) 0).putLong(seq);
        CRC32C crc = new CRC32C();
        crc.update(header.array());
        crc.update(body.toByteArray());
        ByteBuffer trailer = ByteBuffer.allocate(SegmentFormat.TRAILER_LENGTH);
        trailer.putLong(body.size()).putInt(frames.length).putInt((int) crc.getValue()).put(SegmentFormat.TRAILER_MAGIC);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(header.array());
        file.write(body.toByteArray());
        file.write(trailer.array());
        return file.toByteArray();
    }
}
