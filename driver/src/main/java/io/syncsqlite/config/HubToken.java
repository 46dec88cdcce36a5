package io.syncsqlite.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * Where a hub client's bearer token comes from, so that it never has to be written into a JDBC URL (which frameworks
 * and pools log) or onto a command line (which {@code ps} shows): {@value #TOKEN}, else the file {@value #TOKEN_FILE}
 * names (its first line), else the environment variable {@value #ENV}. The token itself is never part of a message.
 */
public final class HubToken {
    public static final String TOKEN = "sync.token";
    public static final String TOKEN_FILE = "sync.tokenFile";
    public static final String ENV = "SYNCSQLITE_TOKEN";
    /** The {@code sync.*} keys a hub transport accepts for its token. */
    public static final Set<String> KEYS = Set.of(TOKEN, TOKEN_FILE);
    /** How a message tells the user where a token goes. */
    public static final String WHERE = "a file named by " + TOKEN_FILE + ", the environment variable " + ENV + ", or " + TOKEN;

    private HubToken() {
    }

    /** The token for {@code transport}'s connection, or an {@link SQLException} saying where to put one. */
    public static String of(SyncConfig c, String transport) throws SQLException {
        Optional<String> inline = c.get(TOKEN).filter(t -> !t.isBlank());
        Optional<String> file = c.get(TOKEN_FILE).filter(f -> !f.isBlank());
        if (inline.isPresent() && file.isPresent()) {
            throw new SQLException("Both " + TOKEN + " and " + TOKEN_FILE + " are set: give the hub's token one way", "HY024");
        }
        if (inline.isPresent()) return inline.get();
        if (file.isPresent()) return read(Path.of(file.get()));
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return env.strip();
        throw new SQLException("Missing token: sync.transport=" + transport + " needs the bearer token the hub grants for this namespace, in " + WHERE, "HY024");
    }

    /**
     * What to do about a hub's refusal of the token: {@code 401} (it knows no such token) or {@code 403} (the token
     * grants another namespace than {@code namespace}); empty for other statuses.
     */
    public static String advice(int status, String namespace) {
        return switch (status) {
            case 401 -> "; the hub does not know this client's token: give the client a token the hub was started with, in " + WHERE;
            case 403 -> "; the client's token does not grant namespace '" + namespace + "': give it the token the hub grants for that"
                    + " namespace (in " + WHERE + "), or set sync.namespace to the token's namespace";
            default -> "";
        };
    }

    private static String read(Path file) throws SQLException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("Cannot read the hub token file " + file.toAbsolutePath() + " named by " + TOKEN_FILE + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getClass().getSimpleName() + " " + e.getMessage()), "HY024", e);
        }
        String token = content.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        if (token.isEmpty()) throw new SQLException("The hub token file " + file.toAbsolutePath() + " named by " + TOKEN_FILE + " is empty", "HY024");
        return token;
    }
}
