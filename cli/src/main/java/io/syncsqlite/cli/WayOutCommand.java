package io.syncsqlite.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.syncsqlite.SyncConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The way out of what sync kept aside ({@code pending}, {@code deadletters}, {@code conflicts}): lists it, or acts on
 * one entry through {@link SyncConnection}'s API on a connection without sync settings (no engine starts).
 */
abstract class WayOutCommand extends ReportingCommand {
    private static final JsonFactory JSON = new JsonFactory();

    @Parameters(index = "0", paramLabel = "<db>", description = "The SQLite database file.")
    Path db;
    @Parameters(index = "1", arity = "0..1", paramLabel = "<action>", description = "Nothing to list; else an action (see above).")
    String action;
    @Parameters(index = "2..*", paramLabel = "<arg>", description = "The action's arguments.")
    List<String> args = new ArrayList<>();
    @Option(names = "--limit", defaultValue = "100", description = "Entries listed at most (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public final Integer call() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + existingDatabase(db).toAbsolutePath())) {
            return run(c.unwrap(SyncConnection.class));
        }
    }

    abstract int run(SyncConnection sync) throws Exception;

    /**
     * Lists {@code entries}: with {@code --json} as one object {@code {"<field>": [ … ]}}, each entry as {@code json}
     * makes it; else each entry's {@code text}, or {@code none} when there is none.
     */
    <T> void list(String field, List<T> entries, Function<T, Map<String, Object>> json, Function<T, String> text, String none) {
        Output out = output();
        if (out.json()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (T e : entries) list.add(json.apply(e));
            out.json(Map.of(field, list));
        } else {
            PrintWriter w = out.text();
            if (entries.isEmpty()) w.println(none);
            for (T e : entries) w.println(text.apply(e));
            w.flush();
        }
    }

    /** Says what an action did: {@code {"<field>": n}} with {@code --json}, else {@code n} followed by {@code text}. */
    void report(String field, long n, String text) {
        Output out = output();
        if (out.json()) {
            out.json(Map.of(field, n));
        } else {
            out.text().println(n + text);
            out.text().flush();
        }
    }

    /** The {@code index}th action argument, or a usage error naming what is missing. */
    String arg(int index, String what) {
        if (args.size() <= index) throw new picocli.CommandLine.ParameterException(spec.commandLine(), action + " needs " + what);
        return args.get(index);
    }

    long id(int index) {
        String v = arg(index, "an id (from the listing)");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "not an id: '" + v + "'");
        }
    }

    picocli.CommandLine.ParameterException unknownAction(String accepted) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown action '" + action + "': accepted are " + accepted);
    }

    /** A row key given as a JSON array ({@code '["a", 1]'}) or, for a one-column key, as the bare value. */
    static List<Object> key(String text) throws IOException {
        String t = text.trim();
        if (!t.startsWith("[")) t = "[" + (t.matches("-?\\d+(\\.\\d+)?|null") || t.startsWith("\"") ? t : "\"" + t.replace("\"", "\\\"") + "\"") + "]";
        List<Object> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(t)) {
            if (p.nextToken() != JsonToken.START_ARRAY) throw new IOException("a key is a JSON array: " + text);
            for (JsonToken tok = p.nextToken(); tok != JsonToken.END_ARRAY; tok = p.nextToken()) out.add(value(p, tok, text));
        }
        return out;
    }

    /** Column values given as a JSON object ({@code '{"email": "new@example.com", "n": 2}'}), in the order given. */
    static Map<String, Object> columns(String text) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(text.trim())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("column values are a JSON object: " + text);
            for (JsonToken tok = p.nextToken(); tok != JsonToken.END_OBJECT; tok = p.nextToken()) {
                String column = p.currentName();
                out.put(column, value(p, p.nextToken(), text));
            }
        }
        return out;
    }

    private static Object value(JsonParser p, JsonToken tok, String text) throws IOException {
        return switch (tok) {
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            default -> throw new IOException("values are numbers, strings and null: " + text);
        };
    }

    /** Values as JSON can carry them: blobs as {@code x'…'} text. */
    static List<Object> printable(List<Object> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) out.add(v instanceof byte[] b ? "x'" + HexFormat.of().formatHex(b) + "'" : v);
        return out;
    }
}
