package io.syncsqlite.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-connection settings that change what SQL on the file does, which the sync engine's connection takes from
 * the application connection that last set one, so a remote change is checked, and triggers fire, as the
 * application's own write would be: {@code foreign_keys} (whether a change may leave an orphan),
 * {@code recursive_triggers} (whether the application's triggers fire each other), {@code ignore_check_constraints}
 * (whether CHECKs are enforced), {@code case_sensitive_like} (what LIKE in a CHECK, partial index or trigger matches)
 * and {@code trusted_schema} (whether the schema may use functions not marked innocuous). Settings that change only
 * speed or durability ({@code cache_size}, {@code synchronous}, …) or that the file holds ({@code journal_mode},
 * {@code user_version}) are not the engine's to follow.
 */
public final class FollowedPragmas {
    /** The settings, as the lower-case names SQLite knows them by. */
    public static final List<String> NAMES = List.of("foreign_keys", "recursive_triggers", "ignore_check_constraints", "case_sensitive_like", "trusted_schema");

    private FollowedPragmas() {
    }

    /** The settings' values (0 or 1) on {@code c}. */
    public static Map<String, Integer> read(Connection c) throws SQLException {
        Map<String, Integer> values = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            for (String name : NAMES) {
                // case_sensitive_like cannot be read back: LIKE itself tells
                String sql = name.equals("case_sensitive_like") ? "SELECT 'a' NOT LIKE 'A'" : "PRAGMA " + name;
                try (ResultSet rs = s.executeQuery(sql)) {
                    if (rs.next()) values.put(name, rs.getInt(1));
                }
            }
        }
        return Map.copyOf(values);
    }

    /** Sets {@code values} (as {@link #read} returned them) on {@code c}. */
    static void apply(Connection c, Map<String, Integer> values) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String name : NAMES) {
                Integer v = values.get(name);
                if (v != null) s.execute("PRAGMA " + name + " = " + (v == 0 ? 0 : 1));
            }
        }
    }
}
