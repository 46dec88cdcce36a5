package io.syncsqlite.transport.nas;

import io.syncsqlite.identity.Incarnations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;

/** Copied and restored database files, syncing through a shared folder. */
class NasCopiedDatabaseTest extends Incarnations {
    @BeforeEach
    void createShare() throws IOException {
        Files.createDirectories(dir.resolve("share"));
    }

    @Override
    protected String url(Path file) {
        return NasReplica.url(file, dir.resolve("share"), "copies", "1h");
    }
}
