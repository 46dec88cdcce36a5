package io.syncsqlite.hub;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Static bearer tokens, each granting exactly one namespace. Tokens are kept only as SHA-256 digests, so a lookup
 * neither keeps secrets in memory dumps nor compares secrets byte by byte.
 */
public final class Tokens {
    /** Namespace names, as the driver's {@code sync.namespace} accepts them. */
    public static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private final Map<String, String> namespaceByDigest = new HashMap<>();

    /** Adds {@code token}, granting {@code namespace}. */
    public Tokens grant(String token, String namespace) {
        if (token.isBlank() || token.length() < 8) throw new IllegalArgumentException("a token needs at least 8 characters");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("invalid namespace '" + namespace + "': 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        namespaceByDigest.put(digest(token), namespace);
        return this;
    }

    /** Adds the {@code token=namespace} lines of a properties file. */
    public Tokens grantAll(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String token : p.stringPropertyNames()) grant(token, p.getProperty(token).trim());
        return this;
    }

    public Optional<String> namespaceOf(String token) {
        return Optional.ofNullable(namespaceByDigest.get(digest(token)));
    }

    /** The namespaces the tokens grant. */
    public java.util.Set<String> namespaces() {
        return java.util.Set.copyOf(namespaceByDigest.values());
    }

    public boolean isEmpty() {
        return namespaceByDigest.isEmpty();
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
