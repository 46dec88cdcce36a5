package io.syncsqlite.hub;

import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How a hub runs. Built from command-line arguments by {@link #parse}, or directly (tests, embedding).
 *
 * @param port            TCP port; 0 picks a free one
 * @param data            the SQLite store file (when {@code store} is {@code null})
 * @param tokens          bearer tokens and the namespace each grants
 * @param keystore        a PKCS#12 keystore to serve HTTPS with, or {@code null} for plain HTTP
 * @param keystorePassword its password
 * @param maxBodyBytes    largest request body accepted, compressed or not (413 beyond)
 * @param maxBatchChanges most changes accepted in one push (413 beyond)
 * @param maxValueBytes   largest TEXT or BLOB value accepted
 * @param maxPullLimit    most changes returned by one pull
 * @param threads         request handler threads
 * @param maxInFlight     requests handled at once before answering 503 with Retry-After
 * @param shutdownGrace   how long shutdown waits for in-flight requests
 * @param ws              the WebSocket endpoint's settings
 * @param bind            the address to listen on ({@code 127.0.0.1} by default: expose the hub deliberately)
 * @param maxClockDrift   versions further ahead of the hub's clock are refused
 * @param readTimeout     a request (headers and body) must arrive within this time, or its connection is closed
 * @param maxPerClient    requests one client address may have in flight at once (429 beyond)
 * @param receiveBudgetBytes most bytes of pushed messages the hub holds at once, over both endpoints: announced
 *                        WebSocket frames and HTTP bodies being read, until their push is handled; a push that does
 *                        not fit now is refused as "try again later" (ws close 1013, HTTP 503 with Retry-After), never
 *                        allocated. 0: a quarter of the heap, and at least one push of {@code maxBodyBytes}
 * @param store           a PostgreSQL store shared by any number of hubs, or {@code null} for the SQLite file {@code data}
 */
public record HubConfig(int port, Path data, Tokens tokens, Path keystore, char[] keystorePassword, int maxBodyBytes, int maxBatchChanges,
                        int maxValueBytes, int maxPullLimit, int threads, int maxInFlight, Duration shutdownGrace, WebSocketOptions ws,
                        String bind, Duration maxClockDrift, Duration readTimeout, int maxPerClient, long receiveBudgetBytes, Store store) {
    /**
     * The WebSocket endpoint (live sync), served beside HTTP by the same hub, with the same tokens and admission rules.
     *
     * @param port        TCP port; 0 picks a free one; -1 serves no WebSocket
     * @param queueBytes  most bytes a subscriber may have waiting (queued for it and unsent in its socket); a
     *                    subscriber that falls further behind is disconnected and catches up from its cursor later
     * @param pingSeconds interval of heartbeat pings; a peer that answers none for 1.5 intervals is disconnected
     * @param authSeconds how long a new connection may take, from its TCP connect, to finish the upgrade and send
     *                    its hello before it is closed
     * @param maxUnauthenticated           connections still authenticating at once (more are closed as they connect)
     * @param maxUnauthenticatedPerAddress of those, from one client address
     */
    public record WebSocketOptions(int port, int queueBytes, int pingSeconds, int authSeconds, int maxUnauthenticated,
                                   int maxUnauthenticatedPerAddress) {
        /**
         * WebSocket off; 8 MiB per subscriber, pings every 10 s, 10 s to authenticate, 256 connections authenticating
         * at once, 32 of them from one address.
         */
        public static final WebSocketOptions OFF = new WebSocketOptions(-1, 8 << 20, 10, 10, 256, 32);

        public boolean enabled() {
            return port >= 0;
        }

        public WebSocketOptions withPort(int port) {
            return new WebSocketOptions(port, queueBytes, pingSeconds, authSeconds, maxUnauthenticated, maxUnauthenticatedPerAddress);
        }

        public WebSocketOptions withQueueBytes(int queueBytes) {
            return new WebSocketOptions(port, queueBytes, pingSeconds, authSeconds, maxUnauthenticated, maxUnauthenticatedPerAddress);
        }

        public WebSocketOptions withPingSeconds(int pingSeconds) {
            return new WebSocketOptions(port, queueBytes, pingSeconds, authSeconds, maxUnauthenticated, maxUnauthenticatedPerAddress);
        }

        public WebSocketOptions withAuthSeconds(int authSeconds) {
            return new WebSocketOptions(port, queueBytes, pingSeconds, authSeconds, maxUnauthenticated, maxUnauthenticatedPerAddress);
        }

        public WebSocketOptions withUnauthenticatedCaps(int total, int perAddress) {
            return new WebSocketOptions(port, queueBytes, pingSeconds, authSeconds, total, perAddress);
        }
    }

    /**
     * A PostgreSQL store ({@link PostgresHubStore}), which several hub instances may share.
     *
     * @param url      {@code jdbc:postgresql://host:port/database}
     * @param user     the database user, or {@code null} for the URL's or the driver's default
     * @param password its password, or {@code null}
     */
    public record Store(String url, String user, char[] password) {
        @Override
        public String toString() {
            return url + (user == null ? "" : " as " + user); // never the password
        }
    }

    /** The same hub over the PostgreSQL store {@code store} instead of an SQLite file. */
    public HubConfig withStore(Store store) {
        return new HubConfig(port, data, tokens, keystore, keystorePassword, maxBodyBytes, maxBatchChanges, maxValueBytes, maxPullLimit, threads,
                maxInFlight, shutdownGrace, ws, bind, maxClockDrift, readTimeout, maxPerClient, receiveBudgetBytes, store);
    }

    /** Where the store is, for messages: the SQLite file or the PostgreSQL URL (never a password). */
    public String storeName() {
        return store != null ? store.toString() : String.valueOf(data);
    }

    /** The store's user from the environment (with {@code --store}). */
    public static final String STORE_USER_ENV = "SYNCSQLITE_HUB_STORE_USER";
    /** The store's password from the environment (with {@code --store}). */
    public static final String STORE_PASSWORD_ENV = "SYNCSQLITE_HUB_STORE_PASSWORD";

    /** Tokens from the environment: {@code TOKEN=NAMESPACE} entries separated by commas or white space. */
    public static final String TOKENS_ENV = "SYNCSQLITE_HUB_TOKENS";
    /** The keystore's password from the environment. */
    public static final String KEYSTORE_PASSWORD_ENV = "SYNCSQLITE_KEYSTORE_PASSWORD";

    public static final String USAGE = "usage: java -jar syncsqlite-hub.jar --port 7070 (--data hub.db | --store jdbc:postgresql://HOST/DB"
            + " [--store-user USER] [--store-password-file FILE | env " + STORE_PASSWORD_ENV + "])"
            + " (--token-file tokens.properties | env " + TOKENS_ENV + "=TOKEN=NAMESPACE,...)"
            + " [--keystore ks.p12 (--keystore-password-file FILE | env " + KEYSTORE_PASSWORD_ENV + ")]"
            + " [--max-body-bytes 23369728] [--max-batch-changes 10000] [--max-value-bytes 16777216] [--max-pull-limit 10000]"
            + " [--threads 64] [--max-in-flight 64] [--shutdown-grace-seconds 30] [--bind 127.0.0.1] [--max-clock-drift-seconds 300]"
            + " [--read-timeout-seconds 10] [--max-per-client 16] [--receive-budget-bytes (a quarter of the heap)]"
            + " [--ws-port 7071 [--ws-queue-bytes 8388608] [--ws-ping-seconds 10] [--ws-auth-seconds 10]"
            + " [--ws-max-unauthenticated 256] [--ws-max-unauthenticated-per-address 32]]";

    /** Defaults for everything but the port, store and tokens. */
    public static HubConfig of(int port, Path data, Tokens tokens) {
        return new HubConfig(port, data, tokens, null, null, DEFAULT_MAX_BODY, 10_000, ChangesetCodec.MAX_VALUE_BYTES, 10_000, 64, 64,
                Duration.ofSeconds(30), WebSocketOptions.OFF, "127.0.0.1", Duration.ofMinutes(5), Duration.ofSeconds(10), 16, 0, null);
    }

    /** The largest body a single change of the largest value needs (base64 and JSON around it), so any value a replica may publish fits. */
    private static final int DEFAULT_MAX_BODY = (ChangesetCodec.MAX_VALUE_BYTES + 2) / 3 * 4 + (1 << 20);

    /** The same hub with the named fields changed (what tests and embedders tune). */
    public HubConfig with(String bind, Duration maxClockDrift, Duration readTimeout, int maxPerClient, int threads) {
        return new HubConfig(port, data, tokens, keystore, keystorePassword, maxBodyBytes, maxBatchChanges, maxValueBytes, maxPullLimit, threads,
                maxInFlight, shutdownGrace, ws, bind, maxClockDrift, readTimeout, maxPerClient, receiveBudgetBytes, store);
    }

    public HubConfig withValueCap(int maxValueBytes) {
        return new HubConfig(port, data, tokens, keystore, keystorePassword, maxBodyBytes, maxBatchChanges, maxValueBytes, maxPullLimit, threads,
                maxInFlight, shutdownGrace, ws, bind, maxClockDrift, readTimeout, maxPerClient, receiveBudgetBytes, store);
    }

    public HubConfig withLimits(int maxBodyBytes, int maxBatchChanges) {
        return new HubConfig(port, data, tokens, keystore, keystorePassword, maxBodyBytes, maxBatchChanges, maxValueBytes, maxPullLimit, threads,
                maxInFlight, shutdownGrace, ws, bind, maxClockDrift, readTimeout, maxPerClient, receiveBudgetBytes, store);
    }

    public HubConfig withTls(Path keystore, char[] password) {
        return new HubConfig(port, data, tokens, keystore, password, maxBodyBytes, maxBatchChanges, maxValueBytes, maxPullLimit, threads,
                maxInFlight, shutdownGrace, ws, bind, maxClockDrift, readTimeout, maxPerClient, receiveBudgetBytes, store);
    }

    public HubConfig withPort(int port) {
        return new HubConfig(port, data, tokens, keystore, keystorePassword, maxBodyBytes, maxBatchChanges, maxValueBytes, maxPullLimit, threads,
                maxInFlight, shutdownGrace, ws, bind, maxClockDrift, readTimeout, maxPerClient, receiveBudgetBytes, store);
    }

    /** The same hub holding at most {@code bytes} of pushed messages at once (0: automatic, see {@link #receiveBudget()}). */
    public HubConfig withReceiveBudget(long bytes) {
        return new HubConfig(port, data, tokens, keystore, keystorePassword, maxBodyBytes, maxBatchChanges, maxValueBytes, maxPullLimit, threads,
                maxInFlight, shutdownGrace, ws, bind, maxClockDrift, readTimeout, maxPerClient, bytes, store);
    }

    /**
     * The receive budget in force: {@link #receiveBudgetBytes()} when set, else a quarter of the heap, and never less
     * than one push of the largest size this hub accepts (a budget below it would refuse that push for ever).
     */
    public long receiveBudget() {
        long pushBytes = (long) maxBodyBytes + Envelope.MAX_HEADER_BYTES;
        return Math.max(pushBytes, receiveBudgetBytes > 0 ? receiveBudgetBytes : Runtime.getRuntime().maxMemory() / 4);
    }

    /** The same hub, also serving WebSocket with {@code ws}. */
    public HubConfig withWebSocket(WebSocketOptions ws) {
        return new HubConfig(port, data, tokens, keystore, keystorePassword, maxBodyBytes, maxBatchChanges, maxValueBytes, maxPullLimit, threads,
                maxInFlight, shutdownGrace, ws, bind, maxClockDrift, readTimeout, maxPerClient, receiveBudgetBytes, store);
    }

    /** Parses the command line and this process's environment (see {@link #parse(Map, String...)}). */
    public static HubConfig parse(String... args) throws IOException {
        return parse(System.getenv(), args);
    }

    /**
     * Parses the command line; throws {@link IllegalArgumentException} with a message naming the bad argument. Secrets
     * come from files or {@code env} ({@value #TOKENS_ENV}, {@value #KEYSTORE_PASSWORD_ENV}), so they need not be on a
     * command line, where every user of the machine sees them ({@code ps}); {@code --token} and
     * {@code --keystore-password} still work, with a warning.
     */
    public static HubConfig parse(Map<String, String> env, String... args) throws IOException {
        HubConfig c = of(7070, null, new Tokens());
        Path ks = null;
        char[] ksPassword = Optional.ofNullable(env.get(KEYSTORE_PASSWORD_ENV)).filter(p -> !p.isEmpty()).map(String::toCharArray).orElse(null);
        grantFromEnvironment(c.tokens, env.get(TOKENS_ENV));
        int maxBody = c.maxBodyBytes, maxChanges = c.maxBatchChanges, maxValue = c.maxValueBytes, maxPull = c.maxPullLimit;
        int threads = c.threads, inFlight = c.maxInFlight, port = c.port;
        Duration grace = c.shutdownGrace;
        WebSocketOptions ws = c.ws;
        Duration drift = c.maxClockDrift, readTimeout = c.readTimeout;
        String bind = c.bind;
        int perClient = c.maxPerClient;
        long receiveBudget = c.receiveBudgetBytes;
        String storeUrl = null;
        String storeUser = Optional.ofNullable(env.get(STORE_USER_ENV)).filter(u -> !u.isEmpty()).orElse(null);
        char[] storePassword = Optional.ofNullable(env.get(STORE_PASSWORD_ENV)).filter(p -> !p.isEmpty()).map(String::toCharArray).orElse(null);
        Path data = null;
        Tokens tokens = c.tokens;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException("missing value after " + a + "\n" + USAGE);
            String v = args[++i];
            switch (a) {
                case "--port" -> port = number(a, v, 0, 65535);
                case "--data" -> data = Path.of(v);
                case "--store" -> {
                    if (!v.startsWith("jdbc:postgresql:")) throw new IllegalArgumentException("--store expects a jdbc:postgresql://HOST[:PORT]/DATABASE URL, got '"
                            + v.replaceAll("password=[^&]*", "password=***") + "'");
                    storeUrl = v;
                }
                case "--store-user" -> storeUser = v;
                case "--store-password-file" -> storePassword = firstLine(a, Path.of(v)).toCharArray();
                case "--token-file", "--tokens" -> tokens.grantAll(Path.of(v));
                case "--token" -> {
                    grant(tokens, a, v);
                    warnSecretOnCommandLine(a);
                }
                case "--keystore" -> ks = Path.of(v);
                case "--keystore-password-file" -> ksPassword = firstLine(a, Path.of(v)).toCharArray();
                case "--keystore-password" -> {
                    ksPassword = v.toCharArray();
                    warnSecretOnCommandLine(a);
                }
                case "--max-body-bytes" -> maxBody = number(a, v, 1024, Integer.MAX_VALUE);
                case "--max-batch-changes" -> maxChanges = number(a, v, 1, 1_000_000);
                case "--max-value-bytes" -> maxValue = number(a, v, 1, Integer.MAX_VALUE);
                case "--max-pull-limit" -> maxPull = number(a, v, 1, 1_000_000);
                case "--threads" -> threads = number(a, v, 1, 1024);
                case "--max-in-flight" -> inFlight = number(a, v, 1, 100_000);
                case "--shutdown-grace-seconds" -> grace = Duration.ofSeconds(number(a, v, 0, 3600));
                case "--ws-port" -> ws = ws.withPort(number(a, v, 0, 65535));
                case "--ws-queue-bytes" -> ws = ws.withQueueBytes(number(a, v, 64 * 1024, Integer.MAX_VALUE));
                case "--ws-ping-seconds" -> ws = ws.withPingSeconds(number(a, v, 1, 3600));
                case "--ws-auth-seconds" -> ws = ws.withAuthSeconds(number(a, v, 1, 3600));
                case "--ws-max-unauthenticated" -> ws = ws.withUnauthenticatedCaps(number(a, v, 1, 1_000_000), ws.maxUnauthenticatedPerAddress());
                case "--ws-max-unauthenticated-per-address" -> ws = ws.withUnauthenticatedCaps(ws.maxUnauthenticated(), number(a, v, 1, 1_000_000));
                case "--bind" -> bind = v;
                case "--max-clock-drift-seconds" -> drift = Duration.ofSeconds(number(a, v, 1, 86_400));
                case "--read-timeout-seconds" -> readTimeout = Duration.ofSeconds(number(a, v, 1, 3600));
                case "--max-per-client" -> perClient = number(a, v, 1, 100_000);
                case "--receive-budget-bytes" -> receiveBudget = number(a, v, 1 << 20, Integer.MAX_VALUE);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (data == null && storeUrl == null) throw new IllegalArgumentException("--data (an SQLite file) or --store (a PostgreSQL URL) is required\n" + USAGE);
        if (data != null && storeUrl != null) throw new IllegalArgumentException("give either --data or --store, not both\n" + USAGE);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no tokens: give --token-file FILE (lines of TOKEN=NAMESPACE) or set " + TOKENS_ENV + "\n" + USAGE);
        }
        if (ks != null && ksPassword == null) throw new IllegalArgumentException("--keystore needs its password: --keystore-password-file FILE or " + KEYSTORE_PASSWORD_ENV);
        return new HubConfig(port, data, tokens, ks, ksPassword, maxBody, maxChanges, maxValue, maxPull, threads, inFlight, grace, ws, bind, drift,
                readTimeout, perClient, receiveBudget, storeUrl == null ? null : new Store(storeUrl, storeUser, storePassword));
    }

    private static void grantFromEnvironment(Tokens tokens, String entries) {
        if (entries == null) return;
        for (String entry : entries.trim().split("[,\\s]+")) {
            if (!entry.isEmpty()) grant(tokens, TOKENS_ENV, entry);
        }
    }

    private static void grant(Tokens tokens, String source, String entry) {
        int eq = entry.lastIndexOf('=');
        // never echo the entry: it holds a secret
        if (eq <= 0) throw new IllegalArgumentException(source + " expects TOKEN=NAMESPACE entries; one has no '=' (" + entry.length() + " characters)");
        tokens.grant(entry.substring(0, eq), entry.substring(eq + 1));
    }

    private static void warnSecretOnCommandLine(String option) {
        System.getLogger(HubConfig.class.getName()).log(System.Logger.Level.WARNING, option + " puts a secret on the command line, where every user"
                + " of this machine can read it (ps); use --token-file / " + TOKENS_ENV + " and --keystore-password-file / " + KEYSTORE_PASSWORD_ENV);
    }

    /** The first non-blank line of a secret's file; the message never shows the file's content. */
    private static String firstLine(String option, Path file) throws IOException {
        String line = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        if (line.isEmpty()) throw new IllegalArgumentException("the file " + file + " given to " + option + " is empty");
        return line;
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        throw new IllegalArgumentException("invalid value '" + value + "' for " + option + ": accepted values are integers from " + min + " to " + max);
    }
}
