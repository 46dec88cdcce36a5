package io.syncsqlite.hub;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One line per HTTP request and per WebSocket connection, on the logger {@code io.syncsqlite.hub.access} (INFO): the
 * client's address, what it asked, the outcome, bytes and time. Never a token or any other header: the namespace a
 * token granted is logged instead. Silence it by setting that logger's level to WARNING in the JVM's logging
 * configuration.
 */
final class AccessLog {
    private static final System.Logger LOG = System.getLogger("io.syncsqlite.hub.access");

    private AccessLog() {
    }

    static void request(InetSocketAddress remote, String method, String path, int status, long bytesIn, long bytesOut, long startNanos) {
        if (!LOG.isLoggable(System.Logger.Level.INFO)) return;
        LOG.log(System.Logger.Level.INFO, "http remote={0} {1} {2} status={3} in={4} out={5} ms={6}", address(remote), method, path,
                String.valueOf(status), String.valueOf(bytesIn), String.valueOf(bytesOut), String.valueOf(millisSince(startNanos)));
    }

    static void connection(InetSocketAddress remote, String namespace, long startNanos, long bytesIn, long bytesOut, int code, String reason,
                           boolean byClient) {
        if (!LOG.isLoggable(System.Logger.Level.INFO)) return;
        LOG.log(System.Logger.Level.INFO, "ws remote={0} ns={1} closed={2} by={3} reason=\"{4}\" in={5} out={6} ms={7}", address(remote),
                namespace == null ? "-" : namespace, String.valueOf(code), byClient ? "client" : "hub", reason == null ? "" : reason,
                String.valueOf(bytesIn), String.valueOf(bytesOut), String.valueOf(millisSince(startNanos)));
    }

    private static String address(InetSocketAddress remote) {
        return remote == null || remote.getAddress() == null ? "?" : remote.getAddress().getHostAddress();
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
