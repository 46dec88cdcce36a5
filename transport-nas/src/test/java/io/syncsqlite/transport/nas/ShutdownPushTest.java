package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes a process committed reach peers when it ends without closing its connections: System.exit and SIGTERM. */
class ShutdownPushTest {
    @TempDir
    Path dir;

    @Test
    void systemExitPushesWhatIsLeft() throws Exception {
        assertPublishedAfterTheProcessEnds("exit");
    }

    @Test
    void sigtermPushesWhatIsLeft() throws Exception {
        assertPublishedAfterTheProcessEnds("wait");
    }

    private void assertPublishedAfterTheProcessEnds(String how) throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ExitingReplica.class.getName(),
                dir.resolve("child.db").toString(), share.toString(), "25", how)
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertEquals("WRITTEN", line, () -> "child said " + line + "; stderr: " + stderr());
            if (how.equals("wait")) p.destroy(); // SIGTERM on Unix
            assertTrue(p.waitFor(ChildReplica.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the child ended");
        } finally {
            p.destroyForcibly();
        }
        try (NasReplica peer = new NasReplica(dir.resolve("peer.db"), share, "")) {
            peer.syncNow();
            String rows = peer.dump();
            assertEquals(25, rows.lines().filter(l -> l.startsWith("exit-")).count(), () -> "peer holds " + rows + "; child stderr: " + stderr());
        }
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("child.err"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
