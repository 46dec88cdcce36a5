package io.syncsqlite.config;

import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration values of {@code sync.*} settings: {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, or bare milliseconds. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

    private Durations() {
    }

    public static Duration parse(String key, String value) throws SQLException {
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            throw new SQLException("Invalid value '" + value + "' for " + key
                    + ": accepted values are durations like 500ms, 2s, 5m, 1h or plain milliseconds", "HY024");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
