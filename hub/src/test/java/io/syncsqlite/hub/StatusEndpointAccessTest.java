package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who sees the hub's status: loopback clients by default; with an admin token set, whoever sends it, and nobody else. */
class StatusEndpointAccessTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void servedToLoopbackClientsWithoutAnAdminToken() throws Exception {
        try (HubServer hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), new Tokens().grant("client-token-1", "shop")))) {
            URI base = URI.create("http://127.0.0.1:" + hub.port());
            HttpResponse<String> status = get(base.resolve("/v1/status"), null);
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"namespaces\":[{\"name\":\"shop\",\"head\":0,\"clients\":[]}]"), status.body());
            HttpResponse<String> page = get(base.resolve("/"), null);
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("fetch(\"/v1/status\""), page.body());
            assertEquals(404, get(base.resolve("/nothing-here"), null).statusCode(), "other paths are still unknown");
        }
    }

    @Test
    void anAdminTokenInTheEnvironmentIsRequiredOfEveryone() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HubMain.class.getName(), "--port", "0", "--bind", "127.0.0.1", "--data",
                dir.resolve("hub.db").toString(), "--token", "client-token-1=shop").redirectErrorStream(true);
        pb.environment().put(StatusEndpoint.ADMIN_TOKEN_ENV, "admin-secret-9");
        Process hub = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
            String port = null;
            for (String line; port == null && (line = out.readLine()) != null; ) {
                Matcher m = Pattern.compile("listening on port (\\d+)").matcher(line);
                if (m.find()) port = m.group(1);
            }
            assertTrue(port != null, "the hub started");
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (java.io.IOException ignored) {
                    // the hub stopped
                }
            });
            drain.setDaemon(true);
            drain.start();
            URI status = URI.create("http://127.0.0.1:" + port + "/v1/status");
            assertEquals(401, get(status, null).statusCode(), "loopback is not enough once a token is set");
            assertEquals(401, get(status, "client-token-1").statusCode(), "a client's token does not open the status");
            HttpResponse<String> admin = get(status, "admin-secret-9");
            assertEquals(200, admin.statusCode(), admin.body());
            assertTrue(admin.body().contains("\"name\":\"shop\""), admin.body());
        } finally {
            hub.destroy();
            assertTrue(hub.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private static HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
