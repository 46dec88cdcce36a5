package io.syncsqlite.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of a local {@code CREATE [UNIQUE] INDEX … ON t(term, …) [WHERE condition]} statement that SQLite's pragmas
 * do not give back: the text of each expression term (without {@code ASC}/{@code DESC}) and of the partial index's
 * condition, plus every identifier they name. Only ever given SQL that SQLite itself stored in {@code sqlite_master}.
 *
 * @param terms       each key term's SQL text
 * @param where       the condition's SQL text, or {@code null}
 * @param identifiers every (unquoted) identifier the terms and the condition name
 */
record IndexSql(List<String> terms, String where, List<String> identifiers) {

    /** The parts of {@code sql}, or {@code null} when it is not an index definition this reads. */
    static IndexSql parse(String sql) {
        if (sql == null) return null;
        List<int[]> tokens = tokens(sql);
        int open = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (text(sql, tokens.get(i)).equals("(")) {
                open = i;
                break;
            }
        }
        if (open < 0) return null;
        List<String> terms = new ArrayList<>();
        List<String> identifiers = new ArrayList<>();
        int depth = 0;
        int termStart = open + 1;
        int close = -1;
        for (int i = open; i < tokens.size() && close < 0; i++) {
            String tok = text(sql, tokens.get(i));
            if (tok.equals("(")) depth++;
            else if (tok.equals(")") && --depth == 0) close = i;
            if ((tok.equals(",") && depth == 1) || close == i) {
                terms.add(term(sql, tokens, termStart, i));
                termStart = i + 1;
            }
        }
        if (close < 0) return null;
        for (int i = open + 1; i < close; i++) identifier(sql, tokens.get(i), identifiers);
        String where = null;
        if (close + 1 < tokens.size() && text(sql, tokens.get(close + 1)).equalsIgnoreCase("WHERE") && close + 2 < tokens.size()) {
            where = sql.substring(tokens.get(close + 2)[0]).trim();
            if (where.endsWith(";")) where = where.substring(0, where.length() - 1).trim();
            for (int i = close + 2; i < tokens.size(); i++) identifier(sql, tokens.get(i), identifiers);
        }
        return new IndexSql(List.copyOf(terms), where, List.copyOf(identifiers));
    }

    /** The SQL of tokens {@code [from, to)}, without a trailing {@code ASC} or {@code DESC}. */
    private static String term(String sql, List<int[]> tokens, int from, int to) {
        int end = to;
        if (end - 1 > from) {
            String last = text(sql, tokens.get(end - 1)).toUpperCase(Locale.ROOT);
            if (last.equals("ASC") || last.equals("DESC")) end--;
        }
        return sql.substring(tokens.get(from)[0], tokens.get(end - 1)[1]).trim();
    }

    private static void identifier(String sql, int[] token, List<String> out) {
        char first = sql.charAt(token[0]);
        String text = text(sql, token);
        if (first == '"' || first == '`') out.add(text.substring(1, text.length() - 1).replace(String.valueOf(first) + first, String.valueOf(first)));
        else if (first == '[') out.add(text.substring(1, text.length() - 1));
        else if (Character.isLetter(first) || first == '_') out.add(text);
    }

    private static String text(String sql, int[] token) {
        return sql.substring(token[0], token[1]);
    }

    /** Token bounds {@code [start, end)}: quoted strings and identifiers, words, numbers, and single other characters. */
    private static List<int[]> tokens(String sql) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char ch = sql.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') i++;
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
                char close = ch == '[' ? ']' : ch;
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == close) {
                        if (close != ']' && j + 1 < n && sql.charAt(j + 1) == close) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(n, j + 1);
                out.add(new int[] {i, end});
                i = end;
            } else if (Character.isLetterOrDigit(ch) || ch == '_' || ch == '$') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) j++;
                out.add(new int[] {i, j});
                i = j;
            } else {
                out.add(new int[] {i, i + 1});
                i++;
            }
        }
        return out;
    }
}
