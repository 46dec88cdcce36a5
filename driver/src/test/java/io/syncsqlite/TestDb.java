package io.syncsqlite;

import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.Instrumenter;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.merge.ApplyResult;
import io.syncsqlite.merge.ChangeApplier;
import io.syncsqlite.merge.ChangeExtractor;
import io.syncsqlite.merge.LocalBatch;
import io.syncsqlite.merge.SiteDictionary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** A capture-only replica opened through the driver, with direct access to its extractor and applier for tests. */
public final class TestDb implements AutoCloseable {
    public final Connection conn;
    private final Connection raw;
    private final SiteDictionary sites;
    private final ChangeApplier applier;
    private final ChangeExtractor extractor;

    public TestDb(Path file) throws SQLException {
        this(file, "", Duration.ofMinutes(5));
    }

    /** @param params URL parameters for both connections, e.g. {@code ?foreign_keys=true} */
    public TestDb(Path file, String params) throws SQLException {
        this(file, params, Duration.ofMinutes(5));
    }

    /** A replica whose applier allows remote versions up to {@code maxClockDrift} ahead of its clock. */
    public TestDb(Path file, Duration maxClockDrift) throws SQLException {
        this(file, "", maxClockDrift);
    }

    private TestDb(Path file, String params, Duration maxClockDrift) throws SQLException {
        this.conn = DriverManager.getConnection("jdbc:syncsqlite:" + file + params);
        conn.unwrap(SyncConnection.class).siteId(); // the metadata (site id) exists from here on, even before any table
        // the driver's own work runs on a connection of its own, as the engine's does
        this.raw = io.syncsqlite.engine.SqliteConnections.openInternal(io.syncsqlite.config.ConnectionUrl.parse("jdbc:syncsqlite:" + file + params, null));
        this.sites = new SiteDictionary(raw);
        this.applier = new ChangeApplier(raw, sites, maxClockDrift);
        this.extractor = new ChangeExtractor(raw, sites);
    }

    public CaptureSchema schema() throws SQLException {
        return new Instrumenter(SyncConfig.of(Map.of()), w -> { }).instrument(raw);
    }

    public void exec(String... sql) throws SQLException {
        try (Statement s = conn.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    /** Every unpublished local change, then marks them published. */
    public List<Changeset> drain() throws SQLException {
        List<Changeset> out = new ArrayList<>();
        CaptureSchema schema = schema();
        fold(Integer.MAX_VALUE); // as the engine does before it extracts
        for (LocalBatch b = extractor.nextBatch(schema, 1000); !b.isEmpty(); b = extractor.nextBatch(schema, 1000)) {
            out.add(b.changeset());
            extractor.markPublished(b);
        }
        return out;
    }

    /** Folds at most {@code maxEntries} captured writes into the version tables, as one engine transaction would. */
    public void fold(int maxEntries) throws SQLException {
        io.syncsqlite.capture.Transactions.write(raw, () -> {
            for (int left = maxEntries, n; left > 0 && (n = io.syncsqlite.capture.VersionFold.step(raw, Math.min(left, 10_000))) > 0; left -= n) {
                // each step folds a bounded list of entries
            }
            return null;
        });
    }

    public ApplyResult apply(Changeset cs) throws SQLException {
        return applier.apply(cs, schema(), Map.of());
    }

    /** Applies every changeset in order; returns each result. */
    public List<ApplyResult> applyAll(List<Changeset> changesets) throws SQLException {
        List<ApplyResult> out = new ArrayList<>();
        for (Changeset cs : changesets) out.add(apply(cs));
        return out;
    }

    /** How many changes the changesets hold in total. */
    public static int count(List<Changeset> changesets) {
        return changesets.stream().mapToInt(Changeset::size).sum();
    }

    /** One value read with {@code sql} on the application's connection. */
    public Object value(String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    /**
     * Applies {@code cs} as one page of a sync round whose other pages follow: rows a constraint still refuses are parked
     * to be judged at the end of the round ({@link #settleWaiting}).
     */
    public ApplyResult applyPage(Changeset cs) throws SQLException {
        return applier.applyReceived(cs, schema(), Map.of(), new io.syncsqlite.merge.ChangeApplier.Carry(), true);
    }

    /** Ends the sync round: judges the rows {@link #applyPage} parked. */
    public ApplyResult settleWaiting() throws SQLException {
        return applier.settleWaiting(schema());
    }

    public ApplyResult retryPending() throws SQLException {
        return applier.retryPending(schema());
    }

    public String site() {
        return sites.local();
    }

    /** Gives this replica key block {@code tag}, as a transport's coordination would (see {@link io.syncsqlite.keys.KeyScheme}). */
    public void useKeyBlock(int tag) throws SQLException {
        io.syncsqlite.keys.KeyBlocks.store(raw, site(), tag);
    }

    /** The key block tag new keys use: the coordinated one, else the provisional one. */
    public int keyBlock() throws SQLException {
        return io.syncsqlite.keys.KeyBlocks.coordinatedTag(raw).orElse(io.syncsqlite.keys.KeyScheme.provisionalTag(site()));
    }

    /** Every row of {@code table}, each value with its storage class, rows sorted so replicas compare as text. */
    public String dump(String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    b.append(md.getColumnName(i)).append('=')
                     .append(v instanceof byte[] bytes ? "x'" + HexFormat.of().formatHex(bytes) + "'" : v)
                     .append(v == null ? "" : ":" + v.getClass().getSimpleName()).append(' ');
                }
                rows.add(b.append('\n').toString());
            }
        }
        java.util.Collections.sort(rows);
        return String.join("", rows);
    }

    @Override
    public void close() throws SQLException {
        applier.close();
        raw.close();
        conn.close();
    }
}
