package io.syncsqlite;

import io.syncsqlite.config.SyncConfig;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for the driver, configured with bean properties: the database {@link #setFile file} (or a whole
 * {@link #setUrl URL}) and every {@code sync.*} option as {@code syncTransport}, {@code syncInterval}, … (the key
 * without its dot, camel-cased). Works where a pool or framework instantiates a DataSource class by name and sets its
 * properties, e.g. HikariCP's {@code dataSourceClassName=io.syncsqlite.SyncDataSource} with
 * {@code dataSource.file=app.db} and {@code dataSource.syncTransport=nas}. Settings are checked when a connection
 * is opened, with the same messages as the URL form. User and password are ignored, as SQLite has none.
 */
public class SyncDataSource implements DataSource {
    private static final String PREFIX = "jdbc:syncsqlite:";

    private final Map<String, String> sync = new TreeMap<>();
    private String url;
    private String file;
    private PrintWriter logWriter;
    private int loginTimeout;

    /** The whole {@code jdbc:syncsqlite:} URL; its {@code sync.*} parameters combine with the bean properties. */
    public void setUrl(String url) {
        this.url = url;
    }

    public String getUrl() {
        return url != null ? url : file == null ? null : PREFIX + file;
    }

    /** The database file (as after {@code jdbc:sqlite:}, so {@code file:} URIs and {@code :memory:} work too). */
    public void setFile(String file) {
        this.file = file;
    }

    public String getFile() {
        return file;
    }

    /** Any {@code sync.*} option by its key, e.g. one of a third-party transport. */
    public void setSyncOption(String key, String value) {
        if (!key.startsWith("sync.")) throw new IllegalArgumentException("Not a sync.* option: " + key);
        if (value == null) sync.remove(key);
        else sync.put(key, value);
    }

    /** The {@code sync.*} options set so far. */
    public Map<String, String> getSyncOptions() {
        return Map.copyOf(sync);
    }

    public void setSyncTransport(String value) {
        setSyncOption(SyncConfig.TRANSPORT, value);
    }

    public void setSyncInterval(String value) {
        setSyncOption(SyncConfig.INTERVAL, value);
    }

    public void setSyncExclude(String value) {
        setSyncOption(SyncConfig.EXCLUDE, value);
    }

    public void setSyncMaxClockDrift(String value) {
        setSyncOption(SyncConfig.MAX_CLOCK_DRIFT, value);
    }

    public void setSyncNamespace(String value) {
        setSyncOption(SyncConfig.NAMESPACE, value);
    }

    public void setSyncBatchSize(String value) {
        setSyncOption(SyncConfig.BATCH_SIZE, value);
    }

    /** {@code sync.dir}: the shared folder of the {@code nas} transport. */
    public void setSyncDir(String value) {
        setSyncOption("sync.dir", value);
    }

    /** {@code sync.compactEvery} of the {@code nas} transport. */
    public void setSyncCompactEvery(String value) {
        setSyncOption("sync.compactEvery", value);
    }

    /** {@code sync.url}: the hub of the {@code http} and {@code ws} transports. */
    public void setSyncUrl(String value) {
        setSyncOption("sync.url", value);
    }

    /** {@code sync.token}: the hub access token. */
    public void setSyncToken(String value) {
        setSyncOption("sync.token", value);
    }

    /** {@code sync.timeout} of the hub transports. */
    public void setSyncTimeout(String value) {
        setSyncOption("sync.timeout", value);
    }

    /** {@code sync.pushChanges} of the {@code http} transport. */
    public void setSyncPushChanges(String value) {
        setSyncOption("sync.pushChanges", value);
    }

    /** {@code sync.pullLimit} of the {@code http} transport. */
    public void setSyncPullLimit(String value) {
        setSyncOption("sync.pullLimit", value);
    }

    @Override
    public Connection getConnection() throws SQLException {
        String target = getUrl();
        if (target == null) throw new SQLException("SyncDataSource needs the database: set its file (or url) property", "08001");
        if (!target.startsWith(PREFIX)) {
            throw new SQLException("SyncDataSource url must start with " + PREFIX + ": " + target, "08001");
        }
        Properties props = new Properties();
        props.putAll(sync);
        return new SyncDriver().connect(target, props);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("syncsqlite logs through System.Logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return iface.cast(this);
        throw new SQLException("SyncDataSource does not wrap " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
