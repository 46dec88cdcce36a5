package io.syncsqlite.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import picocli.CommandLine;

/** Where a command writes: its text to the command line's out, its JSON as one object, its errors to err. */
final class Output {
    private static final JsonFactory JSON = new JsonFactory();

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    private Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    static Output of(CommandLine line) {
        Object command = line.getCommand();
        boolean json = command instanceof Reporting r && r.json();
        return new Output(line.getOut(), line.getErr(), json);
    }

    boolean json() {
        return json;
    }

    PrintWriter text() {
        return out;
    }

    /** Prints {@code report} as JSON (maps, lists, strings, numbers, booleans, instants, null). */
    void json(Map<String, ?> report) {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(g, report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
        out.flush();
    }

    void error(String message) {
        if (json) {
            json(Map.of("error", message == null ? "unknown error" : message));
        } else {
            err.println("syncsqlite: " + message);
            err.flush();
        }
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) write(g, o);
            g.writeEndArray();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long || v instanceof Integer) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof Instant i) {
            g.writeString(i.toString());
        } else {
            g.writeString(v.toString());
        }
    }

    /** A command that has the {@code --json} option. */
    interface Reporting {
        boolean json();
    }
}
