package io.syncsqlite.keys;

import java.util.Locale;

/**
 * A cheap look at SQL text, without parsing: is it an INSERT (so it may need a key), and which SQLite conflict clause
 * ({@code INSERT OR REPLACE}, {@code REPLACE INTO}, …) does it carry? JSqlParser does not know those clauses, so the
 * body handed to it is the same statement spelled {@code INSERT INTO …}, and the clause is put back afterwards.
 *
 * @param body     the statement as plain {@code INSERT INTO …} (or {@code WITH … INSERT …})
 * @param orAction the conflict clause's action in upper case ({@code REPLACE}, {@code IGNORE}, …), or {@code null}
 */
record InsertText(String body, String orAction) {
    /** The statement as an insert candidate, or {@code null} when it certainly is not an INSERT. */
    static InsertText of(String sql) {
        int i = skipBlank(sql, 0);
        int end = wordEnd(sql, i);
        String first = sql.substring(i, end).toUpperCase(Locale.ROOT);
        switch (first) {
            case "INSERT" -> {
                int next = skipBlank(sql, end);
                int nextEnd = wordEnd(sql, next);
                if (!sql.regionMatches(true, next, "OR", 0, 2) || nextEnd != next + 2) return new InsertText(sql, null);
                int action = skipBlank(sql, nextEnd);
                int actionEnd = wordEnd(sql, action);
                return new InsertText("INSERT " + sql.substring(skipBlank(sql, actionEnd)),
                        sql.substring(action, actionEnd).toUpperCase(Locale.ROOT));
            }
            case "REPLACE" -> {
                return new InsertText("INSERT " + sql.substring(skipBlank(sql, end)), "REPLACE");
            }
            case "WITH" -> {
                return sql.toLowerCase(Locale.ROOT).contains("insert") ? new InsertText(sql, null) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Puts the conflict clause back into an {@code INSERT INTO …} text. */
    String withAction(String insert) {
        if (orAction == null) return insert;
        return "INSERT OR " + orAction + insert.substring("INSERT".length());
    }

    private static int skipBlank(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("--", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
            } else {
                break;
            }
        }
        return i;
    }

    private static int wordEnd(String s, int i) {
        while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
        return i;
    }
}
