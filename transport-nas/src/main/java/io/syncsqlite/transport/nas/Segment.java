package io.syncsqlite.transport.nas;

import io.syncsqlite.ErrorText;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * A segment file verified before anything in it is read whole: its size, header and trailer (read on their own) must
 * say it is a segment of a sane size published by the folder's site under its name, and its checksum (computed
 * reading it through once) must match. Its changesets are then decoded one at a time from the file by
 * {@link #forEach}, so neither the file nor a large snapshot is ever held in memory at once.
 */
final class Segment {
    /** Receives decoded changesets; may fail with what applying them throws. */
    interface Sink {
        void accept(Changeset cs, boolean last) throws Exception;
    }

    private final Path file;
    private final String site;
    private final long bodyLength;
    private final int frames;

    private Segment(Path file, String site, long bodyLength, int frames) {
        this.file = file;
        this.site = site;
        this.bodyLength = bodyLength;
        this.frames = frames;
    }

    /**
     * Reads and verifies {@code file}, which must have been published by {@code site} under {@code name}.
     *
     * @throws CorruptSegmentException when the file is truncated, damaged, of an impossible size or not what its name
     *                                 says
     * @throws java.nio.file.NoSuchFileException when it was removed (compacted) since it was listed
     */
    static Segment read(Path file, String site, SegmentName name) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int min = SegmentFormat.HEADER_LENGTH + SegmentFormat.TRAILER_LENGTH;
            if (size < min) throw new CorruptSegmentException(file, "only " + size + " bytes, shorter than header and trailer (" + min + ")");
            if (size > SegmentFormat.MAX_SEGMENT) {
                throw new CorruptSegmentException(file, size + " bytes, more than a segment may take (" + SegmentFormat.MAX_SEGMENT + "); not read");
            }
            ByteBuffer trailer = readFully(ch, size - SegmentFormat.TRAILER_LENGTH, SegmentFormat.TRAILER_LENGTH);
            long bodyLength = trailer.getLong();
            int frames = trailer.getInt();
            int crc = trailer.getInt();
            byte[] magic = new byte[SegmentFormat.TRAILER_MAGIC.length];
            trailer.get(magic);
            if (!Arrays.equals(magic, SegmentFormat.TRAILER_MAGIC)) throw new CorruptSegmentException(file, "no trailer (truncated or half-written)");
            if (bodyLength != size - min) {
                throw new CorruptSegmentException(file, "length " + size + " does not match the " + bodyLength + " body bytes its trailer announces");
            }
            ByteBuffer header = readFully(ch, 0, SegmentFormat.HEADER_LENGTH);
            header.get(magic);
            if (!Arrays.equals(magic, SegmentFormat.HEADER_MAGIC)) throw new CorruptSegmentException(file, "unknown format (header magic)");
            byte[] siteBytes = new byte[SegmentFormat.SITE_LENGTH];
            header.get(siteBytes);
            String headerSite = new String(siteBytes, StandardCharsets.US_ASCII);
            boolean snapshot = header.get() == 1;
            long seq = header.getLong();
            if (!headerSite.equals(site) || seq != name.seq() || snapshot != name.snapshot()) {
                throw new CorruptSegmentException(file, "its header says site " + ErrorText.printable(headerSite) + ", " + (snapshot ? "snapshot " : "segment ")
                        + seq + ", which does not match its folder and name");
            }
            if (frames < 0) throw new CorruptSegmentException(file, "negative changeset count");
            if ((int) checksum(ch, size - SegmentFormat.TRAILER_LENGTH) != crc) throw new CorruptSegmentException(file, "checksum mismatch (damaged content)");
            return new Segment(file, site, bodyLength, frames);
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw new EOFException("file shrank while it was read");
        }
        return b.flip();
    }

    /** CRC32C of the first {@code length} bytes, read through a small buffer. */
    private static long checksum(FileChannel ch, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (long at = 0; at < length; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), length - at));
            int n = ch.read(buf, at);
            if (n < 0) throw new EOFException("file shrank while it was read");
            buf.flip();
            crc.update(buf);
            at += n;
        }
        return crc.getValue();
    }

    /** The file's size in bytes, as read and verified. */
    long size() {
        return SegmentFormat.HEADER_LENGTH + bodyLength + SegmentFormat.TRAILER_LENGTH;
    }

    /** Number of changesets in the file. */
    int frames() {
        return frames;
    }

    /**
     * Decodes the changesets in order and hands each to {@code sink}. A changeset that does not decode, or that
     * claims another origin than the folder's site, fails with {@link CorruptSegmentException} before it reaches the
     * sink. The next changeset is decoded on a second thread while the sink applies the current one (decoding is
     * about a quarter of a bootstrap's work); at most two are held decoded at a time.
     */
    void forEach(Sink sink) throws Exception {
        forEach(0, sink);
    }

    /**
     * As {@link #forEach(Sink)}, from changeset {@code from} on: the ones before it are read (the file is one gzip
     * stream) but neither decoded nor handed over — they were applied before an interruption.
     */
    void forEach(int from, Sink sink) throws Exception {
        if (frames - from <= 1) {
            decodeAll(from, sink);
            return;
        }
        BlockingQueue<Object> decoded = new ArrayBlockingQueue<>(1);
        Thread decoder = new Thread(() -> {
            try {
                decodeAll(from, (cs, last) -> decoded.put(cs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the sink failed and stopped reading
            } catch (Exception e) {
                try {
                    decoded.put(e); // in order, after the changesets before it
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "syncsqlite-nas-decoder " + file.getFileName());
        decoder.setDaemon(true);
        decoder.start();
        try {
            for (int i = from; i < frames; i++) {
                Object next = decoded.take();
                if (next instanceof Exception e) throw e;
                sink.accept((Changeset) next, i == frames - 1);
            }
            decoder.join();
            Object failure = decoded.poll();
            if (failure instanceof Exception e) throw e;
        } finally {
            decoder.interrupt();
        }
    }

    private void decodeAll(int from, Sink sink) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             DataInputStream in = new DataInputStream(new GZIPInputStream(body(ch.position(SegmentFormat.HEADER_LENGTH)), 64 * 1024))) {
            for (int i = 0; i < frames; i++) {
                int length = in.readInt();
                if (length < 0 || length > SegmentFormat.MAX_FRAME) throw new CorruptSegmentException(file, "changeset " + i + " has an impossible length " + length);
                byte[] json = in.readNBytes(length);
                if (json.length != length) throw new CorruptSegmentException(file, "changeset " + i + " is cut short");
                if (i < from) continue;
                Changeset cs = ChangesetCodec.decode(json);
                if (!cs.origin().equals(site)) throw new CorruptSegmentException(file, "changeset " + i + " comes from site " + cs.origin() + ", not " + site);
                sink.accept(cs, i == frames - 1);
            }
            if (in.read() != -1) throw new CorruptSegmentException(file, "data after the last of its " + frames + " changesets");
        } catch (InvalidChangesetException | EOFException | java.util.zip.ZipException e) {
            throw new CorruptSegmentException(file, ErrorText.of(e), e);
        } catch (RuntimeException e) {
            // whatever a crafted file makes the decoder throw is a property of that file, never of the round
            throw new CorruptSegmentException(file, "undecodable content (" + ErrorText.of(e) + ")", e);
        }
    }

    /** The body of the segment, read from the channel (positioned at its start), ending where the trailer begins. */
    private InputStream body(FileChannel ch) {
        InputStream in = Channels.newInputStream(ch);
        return new InputStream() {
            private long left = bodyLength;

            @Override
            public int read() throws IOException {
                if (left <= 0) return -1;
                int b = in.read();
                if (b >= 0) left--;
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (left <= 0) return -1;
                int n = in.read(buf, off, (int) Math.min(len, left));
                if (n > 0) left -= n;
                return n;
            }
        };
    }
}
