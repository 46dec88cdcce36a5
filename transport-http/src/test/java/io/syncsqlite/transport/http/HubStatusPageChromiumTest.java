package io.syncsqlite.transport.http;

import static io.syncsqlite.transport.http.Replicas.exec;
import static io.syncsqlite.transport.http.Replicas.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.hub.HubServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's status page in a real headless Chromium, after real replicas pushed and pulled: the page's JavaScript
 * reads {@code /v1/status} and shows each namespace, each client with its cursor and lag, and the last refusals.
 * Needs Debian's {@code chromium}: under CI (environment {@code CI=true}, where {@code .ci/run} installs it) or with
 * {@code -Dchromium.required=true} the test cannot be skipped; elsewhere it is skipped when no chromium is installed.
 */
class HubStatusPageChromiumTest {
    @TempDir
    Path dir;

    @Test
    void showsNamespacesClientsWithTheirLagAndRefusals() throws Exception {
        Path chromium = chromium();
        try (HubServer hub = Replicas.hub(dir.resolve("hub.db"), 0)) {
            String url = hub.uri().toString().replaceAll("/?$", "/");
            try (Connection a = open(dir.resolve("a.db"), url, "&sync.interval=1h"); Connection b = open(dir.resolve("b.db"), url, "&sync.interval=1h")) {
                exec(a, "INSERT INTO item(id, title) VALUES ('1', 'one'), ('2', 'two')");
                a.unwrap(SyncConnection.class).syncNow();
                b.unwrap(SyncConnection.class).syncNow();
                // a writes on and syncs; b does not pull again: b lags behind the namespace's head
                exec(a, "INSERT INTO item(id, title) VALUES ('3', 'three')");
                a.unwrap(SyncConnection.class).syncNow();
                String siteA = a.unwrap(SyncConnection.class).siteId();
                String siteB = b.unwrap(SyncConnection.class).siteId();
                HttpResponse<String> wrongToken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "v1/pull?since=0"))
                        .header("Authorization", "Bearer not-a-token-of-this-hub").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, wrongToken.statusCode());

                String dom = dumpDom(chromium, url);

                assertTrue(dom.contains("data-loaded=\"true\""), "the page's script rendered the status:\n" + dom);
                assertTrue(dom.contains("<h3 data-namespace=\"team-a\">team-a (head "), dom);
                assertTrue(dom.contains("<h3 data-namespace=\"team-b\">team-b (head 0, 0 clients)"), "a namespace no client used yet:\n" + dom);
                assertEquals("0", lagOf(dom, siteA), "a pulled after its last push");
                assertTrue(Long.parseLong(lagOf(dom, siteB)) > 0, "b has not pulled a's last push:\n" + dom);
                assertTrue(dom.contains("invalid bearer token"), "the refusal and its reason:\n" + dom);
            }
        }
    }

    /** The lag cell of the client row named {@code site}. */
    private static String lagOf(String dom, String site) {
        Matcher m = Pattern.compile("<tr data-client=\"" + site + "\"[^>]*>(.*?)</tr>").matcher(dom);
        assertTrue(m.find(), "a row for client " + site + ":\n" + dom);
        Matcher lag = Pattern.compile("<td class=\"n lag\">([^<]*)</td>").matcher(m.group(1));
        assertTrue(lag.find(), m.group(1));
        return lag.group(1);
    }

    private String dumpDom(Path chromium, String url) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"),
                // virtual time runs the page's script and waits for its fetch before the DOM is printed
                "--virtual-time-budget=4000", "--dump-dom", url));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.log").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium ended");
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(dir.resolve("chromium.log")));
        return dom;
    }

    private static Path chromium() {
        for (String name : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (Files.isExecutable(Path.of(name))) return Path.of(name);
        }
        boolean required = Boolean.getBoolean("chromium.required") || "true".equals(System.getenv("CI"));
        if (required) throw new AssertionError("chromium is required (CI=true or -Dchromium.required=true) but not installed: apt-get install -y chromium");
        Assumptions.assumeTrue(false, "no chromium installed (apt-get install -y chromium); .ci/run installs it and requires this test");
        return null;
    }
}
