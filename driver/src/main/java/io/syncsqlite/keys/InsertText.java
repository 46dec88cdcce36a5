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

    /**
     * The same statement with its target table and its column list spelled as quoted identifiers, or {@code null} when
     * they already are (or the text does not start {@code INSERT INTO name}). JSqlParser reserves words SQLite lets
     * an application use as names ({@code sample}, for one), so {@code INSERT INTO sample(name) …} does not parse;
     * quoted, those names mean exactly the same to SQLite, and the parser reads them.
     */
    InsertText withNamesQuoted() {
        int i = skipBlank(body, wordEnd(body, skipBlank(body, 0))); // after INSERT
        int intoEnd = wordEnd(body, i);
        if (!body.regionMatches(true, i, "INTO", 0, 4) || intoEnd != i + 4) return null;
        StringBuilder out = new StringBuilder(body.substring(0, intoEnd));
        int at = skipBlank(body, intoEnd);
        out.append(body, intoEnd, at);
        at = copyName(out, at);
        if (at < 0) return null;
        if (at < body.length() && body.charAt(at) == '.') {
            out.append('.');
            at = copyName(out, at + 1);
            if (at < 0) return null;
        }
        int open = skipBlank(body, at);
        if (open < body.length() && body.charAt(open) == '(') {
            out.append(body, at, open + 1);
            at = open + 1;
            while (true) {
                int name = skipBlank(body, at);
                out.append(body, at, name);
                at = copyName(out, name);
                if (at < 0) return null;
                int sep = skipBlank(body, at);
                if (sep >= body.length() || (body.charAt(sep) != ',' && body.charAt(sep) != ')')) return null;
                out.append(body, at, sep + 1);
                at = sep + 1;
                if (body.charAt(sep) == ')') break;
            }
        }
        out.append(body.substring(at));
        String quoted = out.toString();
        return quoted.equals(body) ? null : new InsertText(quoted, orAction);
    }

    /**
     * Copies the name at {@code i} to {@code out}, a bare one as a quoted identifier, one already quoted as it is;
     * returns where it ends, or -1 when no name starts there.
     */
    private int copyName(StringBuilder out, int i) {
        if (i >= body.length()) return -1;
        char c = body.charAt(i);
        char close = c == '"' ? '"' : c == '`' ? '`' : c == '[' ? ']' : 0;
        if (close != 0) {
            int end = body.indexOf(close, i + 1);
            if (end < 0) return -1;
            out.append(body, i, end + 1);
            return end + 1;
        }
        if (!(Character.isLetter(c) || c == '_')) return -1;
        int end = i;
        while (end < body.length() && (Character.isLetterOrDigit(body.charAt(end)) || body.charAt(end) == '_' || body.charAt(end) == '$')) end++;
        out.append('"').append(body, i, end).append('"');
        return end;
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
