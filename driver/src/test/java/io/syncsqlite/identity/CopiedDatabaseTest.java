package io.syncsqlite.identity;

import java.nio.file.Path;

/** Copied and restored database files, through the in-JVM memory transport. */
class CopiedDatabaseTest extends Incarnations {
    private final String namespace = "copies-" + System.nanoTime();

    @Override
    protected String url(Path file) {
        return "jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=" + namespace + "&sync.interval=1h";
    }
}
