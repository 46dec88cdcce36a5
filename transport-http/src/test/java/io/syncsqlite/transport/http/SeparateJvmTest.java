package io.syncsqlite.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.hub.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica in another JVM process and one in this JVM converge through the hub. */
class SeparateJvmTest {
    @TempDir
    Path dir;

    @Test
    void replicasInTwoProcessesConverge() throws Exception {
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path log = dir.resolve("child.log");
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ReplicaProcess.class.getName(),
                    dir.resolve("child.db").toString(), hub.uri().toString(), "100", "150")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try (Connection local = Replicas.open(dir.resolve("local.db"), hub.uri().toString(), "&sync.interval=50ms")) {
                for (int k = 0; k < 50; k++) Replicas.exec(local, "INSERT INTO item(id, title, n) VALUES ('l" + k + "', 'this jvm', " + k + ")");
                Replicas.syncUntil(Duration.ofSeconds(40), () -> HttpSyncTest.rows(local) == 150, local);
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child replica finished");
                assertEquals(0, child.exitValue(), () -> "child failed: " + read(log));
                assertEquals(100, Replicas.count(local, "title = 'other jvm'"));
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
