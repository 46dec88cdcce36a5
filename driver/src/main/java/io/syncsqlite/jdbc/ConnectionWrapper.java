package io.syncsqlite.jdbc;

import io.syncsqlite.Compaction;
import io.syncsqlite.Conflict;
import io.syncsqlite.DeadLetter;
import io.syncsqlite.PendingRow;
import io.syncsqlite.SyncConnection;
import io.syncsqlite.merge.ChangeApplier;
import io.syncsqlite.merge.SiteDictionary;
import io.syncsqlite.merge.WayOut;
import java.util.List;
import java.util.Map;
import io.syncsqlite.SyncListener;
import io.syncsqlite.SyncResult;
import io.syncsqlite.SyncStatus;
import io.syncsqlite.capture.BulkDelete;
import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.SchemaChange;
import io.syncsqlite.capture.Transactions;
import io.syncsqlite.engine.SyncedFile;
import io.syncsqlite.engine.SyncEngine;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executor;
import org.sqlite.SQLiteConnection;

/**
 * The application's connection: xerial's, with statements and metadata wrapped so every back-reference returns
 * these wrappers, schema changes re-instrumented as they happen, and sync control through {@link SyncConnection}.
 * It is itself an {@link SQLiteConnection} over xerial's native handle, so {@code (SQLiteConnection) conn} casts,
 * {@code Function.create}, {@code Collation.create}, busy and progress handlers, update and commit listeners,
 * {@code serialize} and backups work on it unchanged; every method, xerial's own included, forwards to xerial's
 * connection, which keeps all per-connection state (auto-commit, transaction mode, closed).
 */
public final class ConnectionWrapper extends ConnectionDelegate implements SyncConnection {
    private final SyncedFile replica;
    private final GateHolds holds;
    private final AppListeners listeners;
    private final MovedFileCheck moved;
    private DatabaseMetaDataWrapper metaData;
    private boolean released;
    /** A write of the open transaction passed the {@link MovedFileCheck}: its later writes need not (see {@link #beforeStatement}). */
    private boolean movedCheckedInTransaction;
    /** The open transaction changed the schema: once it commits, the file may have its first table to sync. */
    private boolean schemaChangedInTransaction;
    /** A script or batch changed the schema outside a transaction: it is instrumented once its hold ended ({@link #afterHold}). */
    private volatile boolean instrumentAfterHold;

    public ConnectionWrapper(SQLiteConnection delegate, SyncedFile replica) {
        super(delegate);
        this.replica = replica;
        this.holds = new GateHolds(replica.gate(), delegate);
        this.listeners = new AppListeners(delegate);
        // with a journal mode the application named, SQLite behaves as on plain xerial: WAL checks nothing, a rollback journal checks itself
        this.moved = MovedFileCheck.of(io.syncsqlite.engine.SqliteConnections.journalModeChosenByDriver(replica.url()) ? replica.file() : null);
        replica.definitions().opened(delegate);
    }

    /**
     * xerial's handle, as {@code Function.create} and {@code Collation.create} reach it: what the application registers
     * through it may be needed by the file's sync engine too, which looks again before its next round.
     */
    @Override
    public org.sqlite.core.DB getDatabase() {
        replica.definitions().mayHaveChanged();
        return delegate.getDatabase();
    }

    /** This connection's holds on the file's write gate (transactions, running statements, open result sets). */
    GateHolds holds() {
        return holds;
    }

    /**
     * Runs a statement's execution; when its SQL may change the schema, the replica sees it before and after (see
     * {@link SyncedFile#aroundSchemaChange}) and re-instruments once it succeeded; then tells the engine that local data
     * may have changed.
     */
    <T> T execute(SchemaChange change, boolean single, Transactions.SqlWork<T> work) throws SQLException {
        // on a closed connection the statement runs as it is, so xerial reports that in its own words
        if (replica.needsTransaction(change) && !delegate.isClosed()) {
            boolean inTransaction = inTransaction();
            ConnectionState before = ConnectionState.save(delegate);
            // inside the application's transaction the work around the change reads before it writes: the write lock
            // comes first (see WriteLock); a database without the driver's metadata has nothing to snapshot or lift
            if (!inTransaction || WriteLock.takeIfSynced(delegate)) return aroundSchemaChange(change, inTransaction, before, work);
        }
        if (change.mayChangeSchema() && single && !delegate.isClosed() && !inTransaction()) return withInstrumentation(work);
        T result = work.run();
        if (change.mayChangeSchema()) {
            if (!inTransaction()) {
                instrumentAfterHold = true; // through the gate, which waits for every hold: this statement's too
            } else {
                ConnectionState state = ConnectionState.save(delegate);
                replica.ensureInstrumentedInTransaction(delegate);
                state.restore(delegate);
                schemaChangedInTransaction = true;
            }
        }
        afterWrite();
        return result;
    }

    /**
     * As {@link #execute(SchemaChange, boolean, Transactions.SqlWork)}, for an application statement that deletes every row of
     * {@code deletesEveryRowOf} ({@code null}: any other): of a captured table, it is captured as one entry
     * ({@link BulkDelete}), inside its own write transaction when the application has none open.
     */
    <T> T execute(String deletesEveryRowOf, SchemaChange change, boolean single, Transactions.SqlWork<T> work) throws SQLException {
        CapturedTable table = deletesEveryRowOf == null || delegate.isClosed() ? null : replica.capturedTable(deletesEveryRowOf);
        if (table == null) return execute(change, single, work);
        // inside the application's transaction the driver reads before it writes: the write lock comes first (see WriteLock)
        if (inTransaction() && !WriteLock.takeIfSynced(delegate)) return execute(change, single, work);
        ConnectionState before = ConnectionState.save(delegate);
        T result = Transactions.write(delegate, () -> {
            BulkDelete bulk = BulkDelete.of(delegate, table);
            if (bulk == null) return work.run();
            // the driver's entries moved last_insert_rowid(), which a DELETE leaves as it was; the statement sets changes()
            return bulk.run(delegate, () -> {
                before.restoreLastRowid(delegate);
                return null;
            }, work);
        });
        afterWrite();
        return result;
    }

    /**
     * Runs an auto-commit statement that may change the schema and the instrumentation it calls for in one write
     * transaction on this connection: they commit as one, as the statement alone does on plain SQLite, so no commit of
     * the driver's own follows it where an application transaction begun meanwhile would meet it with
     * {@code SQLITE_BUSY_SNAPSHOT}. The statement's {@code changes()} and {@code last_insert_rowid()} are kept.
     * (Scripts and batches, whose statements commit one by one, instrument after their hold instead: see
     * {@link #afterHold}.)
     */
    private <T> T withInstrumentation(Transactions.SqlWork<T> work) throws SQLException {
        io.syncsqlite.capture.CaptureSchema[] instrumented = new io.syncsqlite.capture.CaptureSchema[1];
        T result = Transactions.write(delegate, () -> {
            T r = work.run();
            ConnectionState state = ConnectionState.save(delegate);
            instrumented[0] = replica.ensureInstrumentedInTransaction(delegate);
            state.restore(delegate);
            return r;
        });
        replica.committed(instrumented[0]);
        replica.startEngineIfReady(false);
        afterWrite();
        return result;
    }

    /**
     * After a statement's hold on the file ended: a script or batch that changed the schema outside a transaction is
     * instrumented now, through the gate (see {@link SyncedFile#ensureInstrumented}).
     */
    void afterHold() throws SQLException {
        if (!instrumentAfterHold) return;
        instrumentAfterHold = false;
        if (delegate.isClosed()) return;
        replica.ensureInstrumented(delegate);
        replica.startEngineIfReady(false);
    }

    /**
     * Runs a statement that drops a table or column inside {@link SyncedFile#aroundSchemaChange}. The application's
     * statement starts from the {@code changes()} and {@code last_insert_rowid()} it had ({@code before}), not from
     * those of the driver's writes ahead of it, and the driver's writes after it leave what the statement left.
     */
    private <T> T aroundSchemaChange(SchemaChange change, boolean inTransaction, ConnectionState before, Transactions.SqlWork<T> work) throws SQLException {
        ConnectionState[] afterStatement = new ConnectionState[1];
        T result = replica.aroundSchemaChange(delegate, inTransaction, change, () -> {
            before.restore(delegate);
            T r = work.run();
            afterStatement[0] = ConnectionState.save(delegate);
            return r;
        });
        afterStatement[0].restore(delegate);
        afterWrite();
        return result;
    }

    /** Whether the application has a transaction open here, begun in JDBC or in SQL ({@code BEGIN}, {@code SAVEPOINT}). */
    private boolean inTransaction() throws SQLException {
        return !delegate.getAutoCommit() || holds.inTransaction();
    }

    /** The application set a pragma the file's engine follows on this connection: it follows this connection's values now. */
    void followedPragmaSet() throws SQLException {
        replica.pragmasSet(io.syncsqlite.engine.FollowedPragmas.read(delegate));
    }

    /**
     * Before an application statement runs: a write once the database file was moved or deleted since this connection
     * opened fails as SQLite fails it outside WAL ({@link MovedFileCheck}). SQLite checks when a write transaction opens
     * its journal, so inside a transaction only its first write is checked (a statement that may begin or end a
     * transaction, {@code mayControlTransaction}, starts the count again).
     */
    void beforeStatement(boolean mayWrite, boolean mayControlTransaction) throws SQLException {
        if (mayControlTransaction) movedCheckedInTransaction = false;
        if (!mayWrite || movedCheckedInTransaction || delegate.isClosed()) return;
        moved.beforeWrite();
        movedCheckedInTransaction = inTransaction();
    }

    /**
     * What a {@code PRAGMA journal_mode} switch that SQLite refused with {@code SQLITE_BUSY} reports while the file's
     * sync engine runs: SQLite leaves WAL only while no other connection has the file open, and the engine keeps one.
     */
    SQLException journalModeRefused(SQLException e) {
        if (replica.engine() == null || !(e instanceof org.sqlite.SQLiteException se) || (se.getResultCode().code & 0xff) != org.sqlite.SQLiteErrorCode.SQLITE_BUSY.code) return e;
        org.sqlite.SQLiteException clear = new org.sqlite.SQLiteException("[SQLITE_BUSY] PRAGMA journal_mode could not switch " + replica.url().target()
                + ": SQLite leaves WAL only while no other connection has the file open, and the sync engine keeps one open while it syncs."
                + " Name the journal mode in the URL instead (journal_mode=DELETE): every connection of the file, the engine's included,"
                + " then opens it so (see docs/compatibility.md)", org.sqlite.SQLiteErrorCode.SQLITE_BUSY);
        clear.initCause(e);
        return clear;
    }

    private void afterWrite() throws SQLException {
        // an empty batch "runs" on a closed connection too: nothing was written, and xerial reports nothing
        if (!delegate.isClosed() && delegate.getAutoCommit()) replica.onLocalCommit();
    }

    /** The SQL SQLite runs for the application's {@code sql}: INSERTs get cross-replica keys where SQLite would pick them. */
    String keyed(String sql) throws SQLException {
        if (delegate.isClosed()) return sql; // xerial reports the closed connection in its own words
        StatementText.refuseReservedNames(sql);
        return replica.sqlFor(delegate, sql);
    }

    @Override
    public Statement createStatement() throws SQLException {
        return new StatementWrapper(delegate.createStatement(), this, null);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return new StatementWrapper(delegate.createStatement(resultSetType, resultSetConcurrency), this, null);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return new StatementWrapper(delegate.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability), this, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return new PreparedStatementWrapper(delegate.prepareStatement(keyed(sql)), this, sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return new PreparedStatementWrapper(delegate.prepareStatement(keyed(sql), autoGeneratedKeys), this, sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return new PreparedStatementWrapper(delegate.prepareStatement(keyed(sql), columnIndexes), this, sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return new PreparedStatementWrapper(delegate.prepareStatement(keyed(sql), columnNames), this, sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return new PreparedStatementWrapper(delegate.prepareStatement(keyed(sql), resultSetType, resultSetConcurrency), this, sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return new PreparedStatementWrapper(delegate.prepareStatement(keyed(sql), resultSetType, resultSetConcurrency, resultSetHoldability), this, sql);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return new CallableStatementWrapper(delegate.prepareCall(sql), this, sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return new CallableStatementWrapper(delegate.prepareCall(sql, resultSetType, resultSetConcurrency), this, sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return new CallableStatementWrapper(delegate.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability), this, sql);
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        DatabaseMetaData raw = delegate.getMetaData();
        if (metaData == null || metaData.delegate != raw) metaData = new DatabaseMetaDataWrapper(raw, this);
        return metaData;
    }

    @Override
    public void commit() throws SQLException {
        delegate.commit();
        movedCheckedInTransaction = false;
        holds.endTransaction();
        schemaCommitted();
        replica.onLocalCommit();
    }

    /**
     * A transaction begun in SQL ended with a statement ({@code COMMIT}, {@code END}, {@code RELEASE}, {@code ROLLBACK}):
     * as after {@link #commit()}, a schema it created or changed takes effect now. After a {@code ROLLBACK} the
     * committed schema is the one before it, so nothing starts that would not have started anyway.
     */
    void transactionEndedInSql() throws SQLException {
        movedCheckedInTransaction = false;
        schemaCommitted();
    }

    /**
     * A migration in a transaction (Flyway, Liquibase, Hibernate's schema tools, or SQL {@code BEGIN … COMMIT}) may have
     * created the file's first table to sync: its engine starts now, as it does after the same DDL outside a
     * transaction, not at some later connect().
     */
    private void schemaCommitted() throws SQLException {
        if (!schemaChangedInTransaction) return;
        schemaChangedInTransaction = false;
        replica.startEngineAfterSchemaCommit();
    }

    @Override
    public void rollback() throws SQLException {
        delegate.rollback();
        movedCheckedInTransaction = false;
        holds.endTransaction();
        schemaChangedInTransaction = false;
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        boolean was = delegate.getAutoCommit();
        delegate.setAutoCommit(autoCommit);
        if (autoCommit && !was) {
            movedCheckedInTransaction = false;
            holds.endTransaction();
            schemaCommitted();
            replica.onLocalCommit();
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!delegate.isClosed()) replica.closing(delegate);
            delegate.close();
        } finally {
            holds.closed();
            release();
        }
    }

    /**
     * As xerial's: nothing happens (xerial's {@code abort} is a no-op), and above all the file's sync engine, shared
     * with every other connection to the file, is left alone; {@link #close()} still releases this connection.
     */
    @Override
    public void abort(Executor executor) throws SQLException {
        delegate.abort(executor);
    }

    /** Hears of the application's tables only (see {@link AppListeners}); ignored on a closed connection. */
    @Override
    public void addUpdateListener(org.sqlite.SQLiteUpdateListener listener) {
        listeners.addUpdateListener(listener);
    }

    @Override
    public void removeUpdateListener(org.sqlite.SQLiteUpdateListener listener) {
        listeners.removeUpdateListener(listener);
    }

    /** Ignored on a closed connection, where xerial would crash the JVM (see {@link AppListeners}). */
    @Override
    public void addCommitListener(org.sqlite.SQLiteCommitListener listener) {
        listeners.addCommitListener(listener);
    }

    @Override
    public void removeCommitListener(org.sqlite.SQLiteCommitListener listener) {
        listeners.removeCommitListener(listener);
    }

    /** xerial's {@code deserialize}; an image of a file in WAL mode (as the driver keeps files) opens as on plain. */
    @Override
    public void deserialize(String schema, byte[] image) throws SQLException {
        delegate.deserialize(schema, RollbackImage.of(image));
    }

    private synchronized void release() {
        if (released) return;
        released = true;
        replica.release();
    }

    // --- SyncConnection ---

    /**
     * Runs a sync round and waits for it. Inside an open transaction (or while an auto-commit result set of this
     * thread is open) a round could not apply anything until the transaction ends, since the engine never commits
     * under an application's read snapshot: rather than wait for itself, this fails at once with SQLState 25001.
     */
    @Override
    public SyncResult syncNow() throws SQLException {
        if (holds.heldHereOrByThisThread()) {
            throw new SQLException("syncNow() was called inside an open transaction (or with an open result set) on " + replica.url().target()
                    + ": the sync engine never writes while an application transaction holds the database, so the round would wait for"
                    + " this very transaction. Call syncNow() after commit() or rollback().", "25001");
        }
        return engine().syncNow();
    }

    @Override
    public Compaction compact() throws SQLException {
        refuseInsideTransaction("compact()");
        long before = onOwnConnection(false, ConnectionWrapper::fileBytes);
        SyncEngine e = replica.engineStartingIfReady();
        long collected = e == null ? 0 : e.compactNow();
        long after = onOwnConnection(true, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM");
            }
            return fileBytes(c);
        });
        return new Compaction(collected, before, after);
    }

    /** The size of the database file, in bytes (its pages). */
    private static long fileBytes(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT p.page_count * z.page_size FROM pragma_page_count() p, pragma_page_size() z")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public SyncStatus status() {
        SyncEngine e = replica.engine();
        return e == null ? new SyncStatus(SyncStatus.State.CAPTURE_ONLY, null, null, null, 0) : e.status();
    }

    /** Kept for the file's engine, also one that starts later (a new database gets its engine with its first table). */
    @Override
    public void addListener(SyncListener listener) {
        replica.addListener(listener);
    }

    @Override
    public void removeListener(SyncListener listener) {
        replica.removeListener(listener);
    }

    /** Pauses the file's engine, also one that starts later. */
    @Override
    public void pause() {
        replica.pause();
    }

    @Override
    public void resume() {
        replica.resume();
    }

    /**
     * Runs {@code setup} on the engine's connection between its writes. Not inside this connection's (or this thread's)
     * open transaction: the engine may be waiting in the write gate for that very transaction while it holds what the
     * set-up needs (the lock order of docs/how-it-works.md), so this fails at once with SQLState 25001 instead.
     */
    @Override
    public void onEngineConnection(EngineConnectionSetup setup) throws SQLException {
        refuseInsideTransaction("onEngineConnection()");
        replica.onEngineConnection(setup);
    }

    @Override
    public String siteId() throws SQLException {
        return replica.siteId(delegate, !delegate.isClosed() && inTransaction());
    }

    @Override
    public List<PendingRow> pending(int limit) throws SQLException {
        return onOwnConnection(false, c -> WayOut.pending(c, limit));
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) throws SQLException {
        return onOwnConnection(false, c -> WayOut.deadLetters(c, limit));
    }

    @Override
    public List<Conflict> conflicts(int limit) throws SQLException {
        return onOwnConnection(false, c -> WayOut.conflicts(c, limit));
    }

    @Override
    public int retryPending() throws SQLException {
        refuseInsideTransaction("retryPending()");
        SyncEngine e = replica.engineStartingIfReady();
        if (e != null) {
            e.retryPendingNow();
        } else {
            onOwnConnection(true, c -> {
                io.syncsqlite.capture.CaptureSchema schema = replica.ensureInstrumented(c);
                try (ChangeApplier applier = new ChangeApplier(c, new SiteDictionary(c), replica.config().maxClockDrift())) {
                    return applier.retryPending(schema);
                }
            });
        }
        return onOwnConnection(false, WayOut::pendingRows);
    }

    @Override
    public int discardPending(String table, List<Object> key) throws SQLException {
        return onOwnConnection(true, c -> WayOut.discardPending(c, table, key));
    }

    @Override
    public boolean retryDeadLetter(long id) throws SQLException {
        boolean marked = onOwnConnection(true, c -> WayOut.retryDeadLetter(c, id));
        if (marked) replica.onLocalCommit();
        return marked;
    }

    @Override
    public boolean discardDeadLetter(long id) throws SQLException {
        return onOwnConnection(true, c -> WayOut.discardDeadLetter(c, id));
    }

    @Override
    public boolean discardConflict(long id) throws SQLException {
        return onOwnConnection(true, c -> WayOut.discardConflict(c, id));
    }

    @Override
    public List<Object> restoreConflict(long id, Map<String, Object> changes) throws SQLException {
        List<Object> key = onOwnConnection(true, c -> WayOut.restoreConflict(c, id, changes, insert -> replica.sqlFor(c, insert)));
        replica.onLocalCommit();
        return key;
    }

    /**
     * Runs a way-out call on a connection of the driver's own (an in-memory database has only this one), so the
     * application's connection keeps its {@code changes()} and transaction state. A writing call inside an open
     * transaction of this connection would wait for that very transaction: it fails at once instead.
     */
    private <T> T onOwnConnection(boolean writes, WayOutCall<T> call) throws SQLException {
        refuseIfClosed();
        if (writes) refuseInsideTransaction("this call");
        if (replica.url().isInMemory()) return call.run(delegate);
        if (!writes) {
            try (java.sql.Connection own = replica.ownConnection()) {
                return call.run(own);
            }
        }
        // the application asked for it, yet it is a writer of the driver's: through the gate, whole (reads wait for it)
        return replica.gate().engineExclusive(() -> {
            try (java.sql.Connection own = replica.ownConnection()) {
                return call.run(own);
            }
        });
    }

    @FunctionalInterface
    private interface WayOutCall<T> {
        T run(java.sql.Connection c) throws SQLException;
    }

    private void refuseInsideTransaction(String what) throws SQLException {
        refuseIfClosed();
        if (holds.heldHereOrByThisThread() || inTransaction()) {
            throw new SQLException(what + " was called inside an open transaction (or with an open result set) on " + replica.url().target()
                    + ": it waits for the sync engine or writes the driver's metadata, either of which would wait for this very transaction."
                    + " Call it after commit() or rollback().", "25001");
        }
    }

    private void refuseIfClosed() throws SQLException {
        if (delegate.isClosed()) throw new SQLException("The connection to " + replica.url().target() + " is closed", "08003");
    }

    private SyncEngine engine() throws SQLException {
        SyncEngine e = replica.engineStartingIfReady();
        if (e == null) {
            throw new SQLException(replica.config().transport().isPresent()
                    ? "Nothing to sync yet in " + replica.url().target() + ": the sync engine starts once the database has a table with a PRIMARY KEY"
                    : "No sync engine for " + replica.url().target() + ": set sync.transport (and its settings) in the URL to sync; changes are being captured meanwhile",
                    "08003");
        }
        return e;
    }
}
