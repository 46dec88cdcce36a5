package io.syncsqlite.transport.nas;

import io.syncsqlite.ErrorText;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * A segment file read whole and verified (lengths, checksum, site and name); its changesets are decoded one at a
 * time by {@link #forEach}, so a large snapshot is never held decoded in memory at once.
 */
final class Segment {
    /** Receives decoded changesets; may fail with what applying them throws. */
    interface Sink {
        void accept(Changeset cs, boolean last) throws Exception;
    }

    private final Path file;
    private final String site;
    private final byte[] bytes;
    private final int frames;

    private Segment(Path file, String site, byte[] bytes, int frames) {
        this.file = file;
        this.site = site;
        this.bytes = bytes;
        this.frames = frames;
    }

    /**
     * Reads and verifies {@code file}, which must have been published by {@code site} under {@code name}.
     *
     * @throws CorruptSegmentException when the file is truncated, damaged or not what its name says
     * @throws java.nio.file.NoSuchFileException when it was removed (compacted) since it was listed
     */
    static Segment read(Path file, String site, SegmentName name) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int min = SegmentFormat.HEADER_LENGTH + SegmentFormat.TRAILER_LENGTH;
        if (b.length < min) throw new CorruptSegmentException(file, "only " + b.length + " bytes, shorter than header and trailer (" + min + ")");
        ByteBuffer trailer = ByteBuffer.wrap(b, b.length - SegmentFormat.TRAILER_LENGTH, SegmentFormat.TRAILER_LENGTH);
        long bodyLength = trailer.getLong();
        int frames = trailer.getInt();
        int crc = trailer.getInt();
        byte[] magic = new byte[SegmentFormat.TRAILER_MAGIC.length];
        trailer.get(magic);
        if (!Arrays.equals(magic, SegmentFormat.TRAILER_MAGIC)) throw new CorruptSegmentException(file, "no trailer (truncated or half-written)");
        if (bodyLength != b.length - (long) min) {
            throw new CorruptSegmentException(file, "length " + b.length + " does not match the " + bodyLength + " body bytes its trailer announces");
        }
        CRC32C actual = new CRC32C();
        actual.update(b, 0, b.length - SegmentFormat.TRAILER_LENGTH);
        if ((int) actual.getValue() != crc) throw new CorruptSegmentException(file, "checksum mismatch (damaged content)");
        ByteBuffer header = ByteBuffer.wrap(b, 0, SegmentFormat.HEADER_LENGTH);
        header.get(magic);
        if (!Arrays.equals(magic, SegmentFormat.HEADER_MAGIC)) throw new CorruptSegmentException(file, "unknown format (header magic)");
        byte[] siteBytes = new byte[SegmentFormat.SITE_LENGTH];
        header.get(siteBytes);
        String headerSite = new String(siteBytes, StandardCharsets.US_ASCII);
        boolean snapshot = header.get() == 1;
        long seq = header.getLong();
        if (!headerSite.equals(site) || seq != name.seq() || snapshot != name.snapshot()) {
            throw new CorruptSegmentException(file, "its header says site " + headerSite + ", " + (snapshot ? "snapshot " : "segment ") + seq
                    + ", which does not match its folder and name");
        }
        if (frames < 0) throw new CorruptSegmentException(file, "negative changeset count");
        return new Segment(file, site, b, frames);
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
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                new ByteArrayInputStream(bytes, SegmentFormat.HEADER_LENGTH, bytes.length - SegmentFormat.HEADER_LENGTH - SegmentFormat.TRAILER_LENGTH), 64 * 1024))) {
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
}
