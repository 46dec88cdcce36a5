package io.syncsqlite.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With --keystore the hub serves wss:// with the same certificate, and replicas that trust it sync through it. */
class WssTest {
    private static final String PASSWORD = "changeit-123";

    @TempDir
    Path dir;

    @Test
    void replicasSyncOverWssWithTheHubsCertificate() throws Exception {
        Path keystore = dir.resolve("hub.p12");
        String bin = Path.of(System.getProperty("java.home"), "bin").toString();
        Process keytool = new ProcessBuilder(Path.of(bin, "keytool").toString(), "-genkeypair", "-alias", "hub", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, () -> "keytool failed: " + output(keytool));
        HubConfig config = HubConfig.of(0, dir.resolve("hub.db"), WsReplicas.tokens()).withTls(keystore, PASSWORD.toCharArray())
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0));
        try (HubServer hub = HubServer.start(config)) {
            assertEquals("wss", hub.wsUri().getScheme());
            List<Process> replicas = new ArrayList<>();
            for (String name : List.of("one", "two")) {
                replicas.add(new ProcessBuilder(Path.of(bin, "java").toString(), "-Djavax.net.ssl.trustStore=" + keystore,
                        "-Djavax.net.ssl.trustStorePassword=" + PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12",
                        "-cp", System.getProperty("java.class.path"), WssReplicaProcess.class.getName(),
                        dir.resolve(name + ".db").toString(), hub.wsUri().toString(), name, "2")
                        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start());
            }
            try {
                for (Process p : replicas) {
                    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the replica finished");
                    assertEquals(0, p.exitValue(), () -> read(dir.resolve("one.log")) + read(dir.resolve("two.log")));
                }
            } finally {
                for (Process p : replicas) p.destroyForcibly();
            }
            assertTrue(hub.cellCount("team-a") > 0, "the rows went through the hub");
        }
    }

    private static String output(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes());
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
