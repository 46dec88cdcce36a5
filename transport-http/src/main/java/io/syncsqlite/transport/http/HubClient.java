package io.syncsqlite.transport.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import io.syncsqlite.config.HubToken;
import io.syncsqlite.transport.hub.HubPush;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The client side of the hub's HTTP API: one call per request, gzip both ways, errors turned into {@link HubException}
 * with the hub's message. Holds no state besides the connection pool of its {@link HttpClient}.
 */
public final class HubClient {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int GZIP_THRESHOLD = 1024;
    private final URI base;
    private final String token;
    private final String namespace;
    private final Duration timeout;
    /** This replica's site id, sent so the hub's status page can tell its clients apart; {@code null}: not sent. */
    private final String site;
    private final HttpClient http;
    private volatile String limits;

    /**
     * What the hub said to a push; {@code refused} maps a change's position in the pushed changeset to the hub's reason.
     * {@code previous} is the namespace's last sequence before the push (-1 when the hub did not say: a duplicate, or
     * an older hub): a replica whose cursor was there holds everything up to {@code seq} once its push is stored.
     */
    public record PushReply(boolean duplicate, int stored, long seq, long previous, String epoch, Map<Integer, String> refused) {
    }

    /** One page of a pull. */
    public record PullPage(Changeset changes, long next, boolean more, String epoch) {
    }

    /**
     * @param namespace the namespace the caller expects (sent so the hub can refuse a token for another one), or {@code null}
     */
    public HubClient(URI base, String token, String namespace, Duration timeout) {
        this(base, token, namespace, timeout, null);
    }

    /** @param site this replica's site id, which names it on the hub's status page */
    public HubClient(URI base, String token, String namespace, Duration timeout, String site) {
        this.site = site;
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.token = token;
        this.namespace = namespace;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    public URI base() {
        return base;
    }

    /** Bytes sent and received on the wire (bodies, compressed as sent), for the replica's metrics. */
    private final java.util.concurrent.atomic.AtomicLong bytesSent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong bytesReceived = new java.util.concurrent.atomic.AtomicLong();

    /** Hands the bytes counted since the last call to {@code session}'s metrics. */
    void reportBytes(io.syncsqlite.spi.SyncSession session) {
        session.countBytes(bytesSent.getAndSet(0), bytesReceived.getAndSet(0));
    }

    /** Pushes {@code cs} as batch {@code batchId}. */
    public PushReply push(Changeset cs, String batchId) throws IOException, InterruptedException {
        return startPush(cs, batchId).reply();
    }

    /** A push on its way to the hub; its answer is read when asked for. */
    @FunctionalInterface
    public interface PendingPush {
        PushReply reply() throws IOException, InterruptedException;
    }

    /**
     * Encodes {@code cs} and starts sending it as batch {@code batchId} without waiting for the answer, so the caller
     * can encode the next part while the hub stores this one.
     */
    public PendingPush startPush(Changeset cs, String batchId) throws IOException {
        byte[] body = ChangesetCodec.encode(cs);
        // a body over the hub's cap is not sent: the hub would answer 413 and close while the upload is still going,
        // which the JDK client reports as a broken connection rather than as the 413
        long cap = HubPush.Caps.of(limits, Integer.MAX_VALUE).maxBytes();
        if (body.length > cap) {
            HubException tooLarge = new HubException(413, "not sent to hub " + base + ": a push of " + body.length + " bytes exceeds the " + cap + " bytes it accepts", null);
            return () -> {
                throw tooLarge;
            };
        }
        HttpRequest.Builder b = request("v1/push").header("Sync-Batch", batchId).header("Content-Type", "application/json");
        if (body.length >= GZIP_THRESHOLD) {
            body = gzip(body);
            b.header("Content-Encoding", "gzip");
        }
        bytesSent.addAndGet(body.length);
        HttpRequest req = b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        CompletableFuture<HttpResponse<InputStream>> sent = http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream());
        return () -> pushReply(cs, checked(req, await(req, sent)));
    }

    private PushReply pushReply(Changeset cs, HttpResponse<InputStream> r) throws IOException {
        boolean duplicate = false;
        int stored = 0;
        long seq = 0;
        long previous = -1;
        Map<Integer, String> refused = Map.of();
        try (InputStream in = body(r); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("hub " + base + " answered a push with something other than a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("status")) duplicate = p.getText().equals("already-applied");
                else if (field.equals("stored")) stored = p.getIntValue();
                else if (field.equals("seq")) seq = p.getLongValue();
                else if (field.equals("previous")) previous = p.getLongValue();
                else if (field.equals("refused")) refused = HubPush.readRefusals(p, cs.size(), base.toString());
                else p.skipChildren();
            }
        }
        return new PushReply(duplicate, stored, seq, duplicate ? -1 : previous, epoch(r), refused);
    }

    /** The hub's admission limits as it last stated them ({@code Sync-Limits}), or {@code null} before any answer. */
    public String limits() {
        return limits;
    }

    /** Asks the hub for its limits (any answer carries them; health needs no work of the hub). */
    public void fetchLimits() throws IOException, InterruptedException {
        try (InputStream in = send(request("v1/health").GET().build()).body()) {
            in.readAllBytes();
        } catch (HubException e) {
            // an unhealthy hub still stated its limits with the answer
        }
    }

    /**
     * Changes after {@code since}, at most about {@code limit}, for a client whose cursor is of {@code epoch} (null:
     * none yet) and whose latest push the hub gave position {@code pushed} (null: none); the hub answers 409 when its
     * store does not hold them.
     */
    public PullPage pull(String epoch, long since, HubPush.Cursor pushed, int limit) throws IOException, InterruptedException {
        String query = "v1/pull?since=" + since + "&limit=" + limit + (epoch == null ? "" : "&epoch=" + encode(epoch))
                + (pushed == null ? "" : "&seenEpoch=" + encode(pushed.epoch()) + "&seen=" + pushed.seq());
        HttpResponse<InputStream> r = send(request(query).GET().build());
        Changeset cs;
        try (InputStream in = body(r)) {
            cs = ChangesetCodec.read(in);
        } catch (InvalidChangesetException e) {
            throw new IOException("hub " + base + " sent an invalid changeset: " + e.getMessage(), e);
        }
        long next = Long.parseLong(header(r, "Sync-Next"));
        return new PullPage(cs, next, Boolean.parseBoolean(header(r, "Sync-More")), epoch(r));
    }

    /**
     * The key block tag the hub grants {@code site}, {@code wish} first (docs/keys-and-gate.md); empty when every tag
     * is taken or the hub grants none (a hub older than {@code /v1/keytag} answers 404).
     */
    public java.util.OptionalInt claimKeyTag(String site, int wish) throws IOException, InterruptedException {
        HttpResponse<InputStream> r;
        try {
            r = send(request("v1/keytag?site=" + encode(site) + "&wish=" + wish).POST(HttpRequest.BodyPublishers.noBody()).build());
        } catch (HubException e) {
            if (e.status() == 404) return java.util.OptionalInt.empty();
            throw e;
        }
        int tag = 0;
        try (InputStream in = body(r); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("hub " + base + " answered a key tag claim with something other than a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("tag")) tag = p.getIntValue();
                else p.skipChildren();
            }
        }
        return tag > 0 ? java.util.OptionalInt.of(tag) : java.util.OptionalInt.empty();
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Accept-Encoding", "gzip");
        if (namespace != null) b.header("Sync-Namespace", namespace);
        if (site != null) b.header("Sync-Site", site);
        return b;
    }

    private HttpResponse<InputStream> send(HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        }
        return checked(req, r);
    }

    /** The response of a request sent with {@code sendAsync}, once it came; failures as {@link #send} reports them. */
    private HttpResponse<InputStream> await(HttpRequest req, CompletableFuture<HttpResponse<InputStream>> sent) throws IOException, InterruptedException {
        try {
            return sent.get();
        } catch (InterruptedException e) {
            sent.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw unreachable(io);
            throw new IOException("sending " + req.method() + " " + req.uri().getPath() + " to hub " + base + " failed: " + cause, cause);
        }
    }

    private IOException unreachable(IOException e) {
        return new IOException("hub " + base + " is unreachable (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }

    /** {@code r} when it is a 2xx; else the hub's error as a {@link HubException}. Records the limits it states. */
    private HttpResponse<InputStream> checked(HttpRequest req, HttpResponse<InputStream> r) throws IOException {
        r.headers().firstValue("Sync-Limits").ifPresent(l -> limits = l);
        if (r.statusCode() / 100 == 2) return r;
        String message;
        try (InputStream in = body(r)) {
            message = errorMessage(in.readAllBytes());
        }
        Duration retryAfter = r.headers().firstValue("Retry-After").flatMap(HubClient::seconds).orElse(null);
        if (r.headers().firstValue("Sync-Limits").isEmpty()) {
            // every answer of the hub's HTTP endpoint states its limits: this is something else at that address
            throw new HubException(r.statusCode(), "sync.url " + base + " answered " + r.statusCode() + " to " + req.method() + " " + req.uri().getPath()
                    + " and is not a syncsqlite hub's HTTP endpoint (" + message + ")" + (message.contains("WebSocket")
                    ? "; it is the hub's WebSocket port: use the hub's HTTP port (its --port) with sync.transport=http, or sync.transport=ws with sync.url=ws://…"
                    : "; point sync.url at the hub's HTTP port (its --port)"), retryAfter);
        }
        throw new HubException(r.statusCode(), "hub " + base + " answered " + r.statusCode() + " to " + req.method() + " "
                + req.uri().getPath() + ": " + message + HubToken.advice(r.statusCode(), namespace), retryAfter);
    }

    private static Optional<Duration> seconds(String v) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: fall back to the engine's backoff
        }
    }

    private static String errorMessage(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if (field.equals("error")) return p.getText();
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            // not the hub's JSON (a proxy's page): show the text itself
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private InputStream body(HttpResponse<InputStream> r) throws IOException {
        boolean gzip = r.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
        InputStream counted = new java.io.FilterInputStream(r.body()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) bytesReceived.incrementAndGet();
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) bytesReceived.addAndGet(n);
                return n;
            }
        };
        return gzip ? new GZIPInputStream(counted) : counted;
    }

    private String header(HttpResponse<?> r, String name) throws IOException {
        return r.headers().firstValue(name).orElseThrow(() -> new IOException("hub " + base + " sent no " + name + " header; is this a syncsqlite hub?"));
    }

    private String epoch(HttpResponse<?> r) throws IOException {
        return header(r, "Sync-Epoch");
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out) {
            {
                // changesets compress as well at the fastest level (measured on a 10k-change page: 8:1 either way) at
                // a third of the CPU of the default one, and both ends of a sync pay it
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            z.write(body);
        }
        return out.toByteArray();
    }
}
