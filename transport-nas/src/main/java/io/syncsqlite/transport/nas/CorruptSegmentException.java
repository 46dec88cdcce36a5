package io.syncsqlite.transport.nas;

import java.io.IOException;
import java.nio.file.Path;

/** A segment file that is truncated, half-written, damaged or not what its name says; it is never applied. */
final class CorruptSegmentException extends IOException {
    CorruptSegmentException(Path file, String problem) {
        super("corrupt segment " + file + ": " + problem);
    }

    CorruptSegmentException(Path file, String problem, Throwable cause) {
        super("corrupt segment " + file + ": " + problem, cause);
    }
}
