package io.syncsqlite.transport.nas;

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
            a.syncNow(); // fails while the folder name is read with the plus turned into a space ("is missing")
            try (var segments = Files.list(share.resolve("test").resolve(a.site()))) {
                assertTrue(segments.anyMatch(f -> f.getFileName().toString().endsWith(".changes")), "a segment was published into " + share);
            }
        }
    }
}
