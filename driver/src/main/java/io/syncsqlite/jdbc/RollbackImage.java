package io.syncsqlite.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A database image for {@code deserialize}. The driver keeps files in WAL mode, which SQLite records in the file's
 * header (bytes 18 and 19, the write and read format versions, are 2), and an in-memory database cannot open a WAL
 * image: {@code deserialize} of a file's bytes succeeded on plain xerial (rollback journal, versions 1) and failed
 * through the driver with {@code SQLITE_CANTOPEN}. Setting both versions to 1 is what SQLite's documentation of the
 * file format gives for opening such an image without WAL; the pages are unchanged.
 */
final class RollbackImage {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int WRITE_VERSION = 18;
    private static final int READ_VERSION = 19;
    private static final byte WAL = 2;
    private static final byte LEGACY = 1;

    private RollbackImage() {
    }

    /** {@code image} itself, or a copy marked for the rollback journal when its header says WAL. */
    static byte[] of(byte[] image) {
        if (image == null || image.length < 100 || !Arrays.equals(image, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) return image;
        if (image[WRITE_VERSION] != WAL && image[READ_VERSION] != WAL) return image;
        byte[] copy = image.clone();
        copy[WRITE_VERSION] = LEGACY;
        copy[READ_VERSION] = LEGACY;
        return copy;
    }
}
