package io.syncsqlite;

/**
 * Error text fit to show: never {@code "null"} for an exception without a message, and never a raw control character
 * taken from a file, a peer or a hub (a hostile table name must not forge log lines or terminal escapes).
 */
public final class ErrorText {
    private ErrorText() {
    }

    /** The throwable's message, or its type when it has none (a bare NullPointerException), made printable. */
    public static String of(Throwable t) {
        if (t == null) return "unknown error";
        String m = t.getMessage();
        return printable(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
    }

    /** {@code s} with every control character (C0, DEL, C1) written as a {@code \}{@code uXXXX} escape. */
    public static String printable(String s) {
        if (s == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean control = Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029';
            if (control && b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (b == null) continue;
            if (control) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b == null ? s : b.toString();
    }
}
