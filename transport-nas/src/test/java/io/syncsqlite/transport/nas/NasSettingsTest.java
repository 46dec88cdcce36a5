package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NasSettingsTest {
    @TempDir
    Path dir;

    @Test
    void aShareWhoseNameHasAPlusIsFound() throws Exception {
        Path share = Files.createDirectories(dir.resolve("c++share"));
        try (NasReplica a = new NasReplica(dir.resolve("a.db"), share, "")) {
            a.exec("INSERT INTO todo(id, title) VALUES ('x', 'one')");
            assertEquals(3, a.syncNow().pushed());
            assertTrue(Files.isDirectory(share.resolve("test").resolve(a.site())));
        }
    }
}
