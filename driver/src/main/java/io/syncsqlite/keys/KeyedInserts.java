package io.syncsqlite.keys;

import io.syncsqlite.capture.CaptureSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The SQL the driver actually runs for a statement the application wrote: INSERTs into tables keyed by a rowid alias
 * get {@link KeyScheme} keys (see {@link InsertRewriter}), everything else runs as written. One per database file,
 * shared by its connections. Answers come from a bounded cache keyed by SQL text, so a prepared statement is parsed
 * once per SQL string; statements that do not start with INSERT/REPLACE/WITH are never parsed.
 *
 * <p>A rewrite is compiled once by SQLite before it is trusted; whatever the rewriter cannot handle (or SQLite would
 * not compile) runs unchanged, with one WARNING per statement shape that its keys are not collision-safe.
 */
public final class KeyedInserts {
    private static final System.Logger LOG = System.getLogger(KeyedInserts.class.getName());
    private static final int CACHE_SIZE = 512;
    private static final Pattern LITERALS = Pattern.compile("'(?:[^']|'')*'|\\b\\d+(?:\\.\\d+)?\\b|x'[0-9a-fA-F]*'");

    private final long tag;
    private final int blockTag;
    private final Map<String, String> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    private final Set<String> warnedShapes = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong parsed = new java.util.concurrent.atomic.AtomicLong();
    private InsertRewriter rewriter;
    private long rewriterSchemaVersion = -1;

    /**
     * @param siteId   this database's site id, whose {@link KeyScheme#tag wide tag} goes into every wide key
     * @param wideKeys whether keys are wide ({@code sync.keys=wide}) rather than keys of the replica's block
     * @param blockTag the site's coordinated block tag, or 0 while it has none (keys then read it in SQL)
     */
    public KeyedInserts(String siteId, boolean wideKeys, int blockTag) {
        this.tag = wideKeys ? KeyScheme.tag(siteId) : -1;
        this.blockTag = blockTag;
    }

    /** The coordinated block tag these keys embed, 0 for none. */
    public int blockTag() {
        return blockTag;
    }

    /** A source of the current captured schema (the replica's, re-instrumented when the schema changed). */
    @FunctionalInterface
    public interface SchemaSource {
        CaptureSchema current(Connection c) throws SQLException;
    }

    /**
     * The SQL to run for {@code sql} on {@code c}: the same string when no key needs supplying.
     *
     * @param c      the raw (xerial) connection, used to read the schema version and to compile a new rewrite once
     * @param schema where the captured schema comes from; asked only for INSERT statements
     */
    public String sqlFor(Connection c, String sql, SchemaSource schema) throws SQLException {
        if (sql == null || sql.contains(io.syncsqlite.capture.Sql.PREFIX)) return sql;
        InsertText text = InsertText.of(sql);
        if (text == null) return sql;
        InsertRewriter current = rewriter(c, schema);
        if (!current.hasRowidTables() || !current.mayTarget(sql)) return sql;
        synchronized (this) {
            String cached = cache.get(sql);
            if (cached != null) return cached;
        }
        String out = compute(c, sql, text, current);
        synchronized (this) {
            // a concurrent schema change dropped the cache meanwhile: do not cache what was built for the old one
            if (rewriter == current) cache.put(sql, out);
        }
        return out;
    }

    private String compute(Connection c, String sql, InsertText text, InsertRewriter current) {
        parsed.incrementAndGet();
        InsertRewriter.Outcome outcome = current.rewrite(text);
        if (outcome instanceof InsertRewriter.Rewritten r) {
            try (PreparedStatement compiled = c.prepareStatement(r.sql())) {
                return r.sql();
            } catch (SQLException e) {
                warnOnce(sql, "SQLite does not compile the rewritten form (" + e.getMessage() + ")");
                return sql;
            }
        }
        if (outcome instanceof InsertRewriter.Unsupported u) warnOnce(sql, u.reason());
        return sql;
    }

    /** How many statements were parsed so far: cache misses of INSERTs that may target a rowid-keyed table. */
    long parsed() {
        return parsed.get();
    }

    private InsertRewriter rewriter(Connection c, SchemaSource schema) throws SQLException {
        CaptureSchema s = schema.current(c);
        synchronized (this) {
            if (rewriter == null || rewriterSchemaVersion != s.schemaVersion()) {
                rewriter = new InsertRewriter(s, tag, blockTag);
                rewriterSchemaVersion = s.schemaVersion();
                cache.clear();
            }
            return rewriter;
        }
    }

    private void warnOnce(String sql, String reason) {
        String shape = LITERALS.matcher(sql).replaceAll("?");
        if (warnedShapes.size() < 10_000 && warnedShapes.add(shape)) {
            LOG.log(System.Logger.Level.WARNING, "INSERT left unchanged, so keys SQLite assigns to it are not unique across replicas ({0}): {1}",
                    reason, shape);
        }
    }
}
