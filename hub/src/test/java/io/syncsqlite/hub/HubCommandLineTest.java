package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar syncsqlite-hub.jar} as an operator runs it, in its own process: secrets from the environment or
 * files (never needed on the command line, where {@code ps} shows them), and a start that fails says why and what to
 * do in one line, without a stack trace.
 */
class HubCommandLineTest {
    private static final String TOKEN = "token-of-team-a";

    @TempDir
    Path dir;

    @Test
    void tokensComeFromTheEnvironmentWithNothingSecretOnTheCommandLine() throws Exception {
        Process hub = hub(Map.of(HubConfig.TOKENS_ENV, TOKEN + "=team-a, other-token-b=team-b"), "--port", "0", "--data", dir.resolve("hub.db").toString());
        try {
            int port = CompletableFuture.supplyAsync(() -> listeningPort(hub)).get(60, TimeUnit.SECONDS);
            assertTrue(port > 0, "the hub started");
            HttpClient http = HttpClient.newHttpClient();
            URI pull = URI.create("http://127.0.0.1:" + port + "/v1/pull?since=0");
            assertEquals(200, http.send(HttpRequest.newBuilder(pull).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "the token from the environment is granted");
            assertEquals(401, http.send(HttpRequest.newBuilder(pull).header("Authorization", "Bearer not-a-token-at-all").build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            assertFalse(hub.info().commandLine().orElse("").contains(TOKEN), "what ps shows holds no token");
        } finally {
            hub.destroy();
            hub.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void secretsComeFromFilesOrTheEnvironment() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens.properties"), TOKEN + "=team-a\n");
        Path password = Files.writeString(dir.resolve("keystore.password"), "s3cret-store-password\n");
        HubConfig fromFiles = HubConfig.parse(Map.of(), "--data", "hub.db", "--token-file", tokens.toString(),
                "--keystore", "ks.p12", "--keystore-password-file", password.toString());
        assertEquals("team-a", fromFiles.tokens().namespaceOf(TOKEN).orElseThrow());
        assertArrayEquals("s3cret-store-password".toCharArray(), fromFiles.keystorePassword());

        HubConfig fromEnvironment = HubConfig.parse(Map.of(HubConfig.TOKENS_ENV, TOKEN + "=team-a\nsecond-token=team-b",
                HubConfig.KEYSTORE_PASSWORD_ENV, "from-env-password"), "--data", "hub.db", "--keystore", "ks.p12");
        assertEquals("team-b", fromEnvironment.tokens().namespaceOf("second-token").orElseThrow());
        assertArrayEquals("from-env-password".toCharArray(), fromEnvironment.keystorePassword());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> HubConfig.parse(Map.of(HubConfig.TOKENS_ENV, "a-secret-without-namespace"), "--data", "hub.db"));
        assertFalse(bad.getMessage().contains("a-secret-without-namespace"), () -> "a message never shows a secret: " + bad.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> HubConfig.parse(Map.of(), "--data", "hub.db"));
        assertTrue(none.getMessage().contains("--token-file") && none.getMessage().contains(HubConfig.TOKENS_ENV), none::getMessage);
    }

    @Test
    void aPostgresStoreIsNamedByItsUrlWithItsPasswordFromAFileOrTheEnvironment() throws Exception {
        Path password = dir.resolve("store-password");
        Files.writeString(password, "pg-secret\n");
        Map<String, String> tokens = Map.of(HubConfig.TOKENS_ENV, TOKEN + "=team-a");
        HubConfig fromFile = HubConfig.parse(tokens, "--store", "jdbc:postgresql://db.internal/sync", "--store-user", "sync",
                "--store-password-file", password.toString());
        assertEquals("jdbc:postgresql://db.internal/sync", fromFile.store().url());
        assertEquals("sync", fromFile.store().user());
        assertArrayEquals("pg-secret".toCharArray(), fromFile.store().password());
        assertFalse(fromFile.storeName().contains("pg-secret"), "the password is never shown");
        HubConfig fromEnvironment = HubConfig.parse(Map.of(HubConfig.TOKENS_ENV, TOKEN + "=team-a", HubConfig.STORE_USER_ENV, "sync",
                HubConfig.STORE_PASSWORD_ENV, "pg-secret"), "--store", "jdbc:postgresql://db.internal/sync");
        assertEquals("sync", fromEnvironment.store().user());
        assertArrayEquals("pg-secret".toCharArray(), fromEnvironment.store().password());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HubConfig.parse(tokens, "--store", "jdbc:mysql://db/sync")).getMessage()
                .contains("jdbc:postgresql://"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HubConfig.parse(tokens, "--store", "jdbc:postgresql://db/sync", "--data", "hub.db"))
                .getMessage().contains("either --data or --store"));
    }

    @Test
    void aPortInUseIsOneLineNamingThePortAndWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            Failure f = failedStart("--port", port, "--data", dir.resolve("hub.db").toString());
            assertTrue(f.output.contains("127.0.0.1:" + port) && f.output.contains("in use") && f.output.contains("another --port"), f::toString);
        }
    }

    @Test
    void anUnwritableStoreIsOneLineNamingTheFolder() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "a file where the store's folder should be");
        Failure f = failedStart("--port", "0", "--data", notAFolder.resolve("hub.db").toString());
        assertTrue(f.output.contains("cannot open the hub store " + notAFolder.resolve("hub.db")) && f.output.contains("can write it"), f::toString);
    }

    /** The port the hub says it listens on, or -1 if it ended without saying so. */
    private static int listeningPort(Process hub) {
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                int at = line.indexOf("listening on port ");
                if (at >= 0) return Integer.parseInt(line.substring(at + 18).split("\\D", 2)[0]);
            }
            return -1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Failure(int exit, String output) {
    }

    /** Starts a hub that must fail: exit code 1 and one line, no stack trace. */
    private Failure failedStart(String... args) throws Exception {
        Process hub = hub(Map.of(HubConfig.TOKENS_ENV, TOKEN + "=team-a"), args);
        assertTrue(hub.waitFor(60, TimeUnit.SECONDS), "the hub gave up");
        String output = new String(hub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Failure f = new Failure(hub.exitValue(), output);
        assertEquals(1, f.exit, f::toString);
        assertEquals(1, output.lines().count(), () -> "one line: " + output);
        assertFalse(output.contains("Exception") || output.contains("\tat "), () -> "no stack trace: " + output);
        return f;
    }

    private static Process hub(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HubMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }
}
