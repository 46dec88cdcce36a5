package io.syncsqlite.transport.nas;

import java.nio.charset.StandardCharsets;

/**
 * The byte layout of a segment file. Everything is big-endian.
 * <pre>
 * header  : magic "SSQLSEG1" (8) · site id, 32 ASCII hex digits · kind (1 byte: 0 changes, 1 snapshot) · seq (8)
 * body    : a GZIP stream of frames, each an int length followed by one changeset in the JSON wire format
 * trailer : body length (8) · frame count (4) · CRC32C of header and body (4) · magic "SSQLEND1" (8)
 * </pre>
 * The trailer is written last and its lengths and checksum must match, so a truncated, half-written or damaged
 * file is recognised before anything in it is applied.
 */
final class SegmentFormat {
    static final byte[] HEADER_MAGIC = "SSQLSEG1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRAILER_MAGIC = "SSQLEND1".getBytes(StandardCharsets.US_ASCII);
    static final int SITE_LENGTH = 32;
    static final int HEADER_LENGTH = HEADER_MAGIC.length + SITE_LENGTH + 1 + 8;
    static final int TRAILER_LENGTH = 8 + 4 + 4 + TRAILER_MAGIC.length;
    /** Largest single frame accepted when reading; a batch of a few thousand rows is far below it. */
    static final int MAX_FRAME = 256 * 1024 * 1024;
    /**
     * Largest segment file read: a snapshot of a large database is far below it; a file named like a segment that
     * claims more is reported and skipped without being read.
     */
    static final long MAX_SEGMENT = 1L << 30;

    private SegmentFormat() {
    }
}
