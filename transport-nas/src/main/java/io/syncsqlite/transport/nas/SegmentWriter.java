package io.syncsqlite.transport.nas;

import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one segment file: to a temp name in the target folder, then fsync, then an atomic link to its final name that never
 * replaces an existing file, so other replicas see either nothing or the complete file, and never a second file under
 * a name they already read. Not thread-safe; use once.
 */
final class SegmentWriter implements AutoCloseable {
    /** Temp files start with this, so no reader takes them for segments and crashed writes can be cleaned up. */
    static final String TEMP_PREFIX = ".tmp-";

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private final CountingOutput body;
    private final GZIPOutputStream gzip;
    private final DataOutputStream frames;
    private int count;
    private boolean committed;

    SegmentWriter(Path folder, String site, SegmentName name) throws IOException {
        this.target = folder.resolve(name.fileName());
        this.temp = folder.resolve(TEMP_PREFIX + name.fileName() + "-" + UUID.randomUUID());
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = ByteBuffer.allocate(SegmentFormat.HEADER_LENGTH);
            header.put(SegmentFormat.HEADER_MAGIC).put(site.getBytes(StandardCharsets.US_ASCII))
                  .put((byte) (name.snapshot() ? 1 : 0)).putLong(name.seq()).flip();
            crc.update(header.duplicate());
            writeFully(header);
            this.body = new CountingOutput(Channels.newOutputStream(channel));
            this.gzip = new GZIPOutputStream(body, 64 * 1024);
            this.frames = new DataOutputStream(gzip);
        } catch (IOException | RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /** Adds one changeset to the file. */
    void append(Changeset cs) throws IOException {
        byte[] json = ChangesetCodec.encode(cs);
        frames.writeInt(json.length);
        frames.write(json);
        count++;
    }

    /** Finishes the file, makes it durable and gives it its final name; returns its size in bytes. */
    long commit() throws IOException {
        frames.flush();
        gzip.finish();
        ByteBuffer trailer = ByteBuffer.allocate(SegmentFormat.TRAILER_LENGTH);
        trailer.putLong(body.written).putInt(count).putInt((int) crc.getValue()).put(SegmentFormat.TRAILER_MAGIC).flip();
        writeFully(trailer);
        channel.force(true);
        long size = channel.size();
        channel.close();
        publishWithoutReplacing();
        committed = true;
        syncDirectory(target.getParent());
        return size;
    }

    /**
     * Gives the temp file its final name only if no file has that name yet: a segment, once published, is never
     * replaced (a reader may have applied it already). A hard link is atomic and fails on an existing name; where the
     * share has no hard links, a rename that first checks the name is the fallback.
     */
    private void publishWithoutReplacing() throws IOException {
        try {
            Files.createLink(target, temp);
            Files.delete(temp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null, "a segment with this name was already published");
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(target)) throw new FileAlreadyExistsException(target.toString(), null, "a segment with this name was already published");
        }
        Files.move(temp, target); // no REPLACE_EXISTING: refuses an existing target; a rename within the folder is atomic
    }

    /** Removes the temp file unless the segment was committed. */
    @Override
    public void close() {
        if (!committed) abandon();
    }

    private void abandon() {
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is harmless: readers skip it and the owner removes stale ones later
        }
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) channel.write(b);
    }

    /** Makes the rename durable where the platform allows syncing a directory (Linux, macOS); elsewhere a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows and some network file systems cannot open a directory; the rename is still atomic there
        }
    }

    /** Counts body bytes and feeds them to the checksum on their way to the file. */
    private final class CountingOutput extends OutputStream {
        private final OutputStream out;
        private long written;

        CountingOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            crc.update(b, off, len);
            written += len;
        }

        @Override
        public void close() {
            // the channel is closed by commit() or abandon(), after the trailer
        }
    }
}
