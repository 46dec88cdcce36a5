package io.syncsqlite.hub;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Reading bounded (optionally gzipped) request bodies and writing (optionally gzipped) responses. */
final class Exchanges {
    static final JsonFactory JSON = new JsonFactory();
    /** Responses smaller than this are not worth compressing. */
    private static final int GZIP_THRESHOLD = 1024;

    private Exchanges() {
    }

    /**
     * The whole request body, decompressed; 413 once it (compressed or not) passes {@code maxBytes}. Its bytes are taken
     * from {@code budget} as they are read (the caller gives back the body's length once the push is handled): 503
     * with a Retry-After, and nothing held, when the hub already holds its budget of pushed bytes.
     */
    static byte[] readBody(HttpExchange ex, int maxBytes, ReceiveBudget budget) throws IOException, HttpError {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "invalid Content-Length '" + length + "'");
            }
            if (n > maxBytes) throw tooLarge(maxBytes);
        }
        InputStream in = new Bounded(ex.getRequestBody(), maxBytes);
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
            in = new Bounded(new GZIPInputStream(in), maxBytes);
        } else if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            throw new HttpError(415, "unsupported Content-Encoding '" + encoding + "': accepted are gzip and identity");
        }
        Budgeted budgeted = new Budgeted(in, budget);
        try {
            return budgeted.readAllBytes();
        } catch (TooLarge e) {
            budgeted.giveBack();
            throw tooLarge(maxBytes);
        } catch (OverBudget e) {
            budgeted.giveBack();
            throw new HttpError(503, "the hub is receiving too much at once (" + budget.capacity() + " bytes); retry shortly", 1);
        } catch (IOException e) {
            budgeted.giveBack();
            if (e instanceof java.util.zip.ZipException) throw new HttpError(400, "request body is not valid gzip: " + e.getMessage());
            throw e;
        }
    }

    private static HttpError tooLarge(int maxBytes) {
        return new HttpError(413, "request body exceeds this hub's cap of " + maxBytes + " bytes; push smaller batches");
    }

    /** Sends {@code body} with {@code status}, gzipped when the client accepts it and it is large enough; returns the bytes sent. */
    static long send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        String accept = ex.getRequestHeaders().getFirst("Accept-Encoding");
        boolean gzip = accept != null && accept.toLowerCase().contains("gzip") && body.length >= GZIP_THRESHOLD;
        if (gzip) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
            try (GZIPOutputStream z = new GZIPOutputStream(out) {
                {
                    // changesets compress as well at the fastest level (measured on a 10k-change page: 8:1 either way)
                    // at a third of the CPU of the default one, and both ends of a sync pay it
                    def.setLevel(java.util.zip.Deflater.BEST_SPEED);
                }
            }) {
                z.write(body);
            }
            body = out.toByteArray();
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        ex.getResponseHeaders().set("Content-Type", contentType);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        return body.length;
    }

    /** A small JSON object written by {@code fields}. */
    static byte[] json(JsonWriter fields) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Writes the fields of a JSON object. */
    @FunctionalInterface
    interface JsonWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /** Thrown by {@link Bounded} when a body passes its cap. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("body too large");
        }
    }

    /** Thrown by {@link Budgeted} when the hub's receive budget is spent. */
    private static final class OverBudget extends IOException {
        OverBudget() {
            super("receive budget spent");
        }
    }

    /** Takes every byte read from the hub's {@link ReceiveBudget}, failing when it is spent. */
    private static final class Budgeted extends InputStream {
        private final InputStream in;
        private final ReceiveBudget budget;
        private long taken;

        Budgeted(InputStream in, ReceiveBudget budget) {
            this.in = in;
            this.budget = budget;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                if (!budget.tryTake(n)) throw new OverBudget();
                taken += n;
            }
            return n;
        }

        /** Gives back what was taken, for a body that is not handled. */
        void giveBack() {
            budget.giveBack(taken);
            taken = 0;
        }
    }

    /** Fails once more than {@code max} bytes were read, so neither a long body nor a gzip bomb fills memory. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0 && ++read > max) throw new TooLarge();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, (int) Math.min(len, max - read + 1));
            if (n > 0 && (read += n) > max) throw new TooLarge();
            return n;
        }
    }
}
