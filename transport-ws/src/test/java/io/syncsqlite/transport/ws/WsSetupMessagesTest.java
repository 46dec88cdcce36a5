package io.syncsqlite.transport.ws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.hub.HubServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Set-up mistakes with the ws transport get a message that says what to do. */
class WsSetupMessagesTest {
    @TempDir
    Path dir;

    @Test
    void theTransportJarWithoutItsDependenciesNamesTheArtifact() throws Exception {
        String out = replicaProcess("Java-WebSocket", "ws://127.0.0.1:9");
        assertTrue(out.contains("SQLException: ") && out.contains("io.syncsqlite:syncsqlite-transport-ws") && out.contains("with its own dependencies"),
                () -> "names the artifact to add: " + out);
    }

    /** An application without an SLF4J provider: Java-WebSocket's logging prints no notice on its console. */
    @Test
    void noSlf4jNoticeOnTheConsole() throws Exception {
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db"))) {
            String out = replicaProcess("slf4j-jdk14", hub.wsUri().toString());
            assertTrue(out.contains("synced"), () -> "the replica synced: " + out);
            assertFalse(out.contains("SLF4J"), () -> "no SLF4J notice: " + out);
        }
    }

    /** Runs {@link ConnectProcess} on this test's class path without the entries containing {@code without}. */
    private String replicaProcess(String without, String hub) throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains(without)).collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                ConnectProcess.class.getName(), dir.resolve(without + ".db").toString(), hub).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the replica process ended");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theWsTransportPointedAtTheHttpPortSaysWhichPortToUse() throws Exception {
        try (HubServer hub = WsReplicas.hub(dir.resolve("hub.db")); Connection c = WsReplicas.open(dir.resolve("a.db"), "ws://127.0.0.1:" + hub.port())) {
            SQLException e = assertThrows(SQLException.class, () -> c.unwrap(SyncConnection.class).syncNow());
            assertTrue(e.getMessage().contains("--ws-port"), e::getMessage);
        }
    }
}
