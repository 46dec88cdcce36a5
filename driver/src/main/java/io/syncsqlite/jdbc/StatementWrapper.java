package io.syncsqlite.jdbc;

import io.syncsqlite.capture.BulkDelete;
import io.syncsqlite.capture.SchemaChange;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A statement whose result sets point back to it and whose DDL re-instruments the schema. */
class StatementWrapper extends StatementDelegate {
    final ConnectionWrapper connection;
    /** The SQL of a prepared or callable statement; {@code null} for a plain statement. */
    final String sql;
    private SchemaChange batchSchemaChange = SchemaChange.NONE;
    /** The statements of a plain statement's batch as the application wrote them, in order. */
    private final List<String> batchSql = new ArrayList<>();
    private ResultSetWrapper current;
    /** An auto-commit result set of this statement is open and holds the write gate (guarded by this). */
    private boolean resultHold;

    StatementWrapper(Statement delegate, ConnectionWrapper connection, String sql) {
        super(delegate);
        this.connection = connection;
        this.sql = sql;
    }

    @Override
    ResultSet wrapResultSet(ResultSet rs) {
        if (rs == null) return null;
        ResultSetWrapper c = current;
        if (c != null && c.delegate == rs) return c;
        current = new ResultSetWrapper(rs, this, connection);
        return current;
    }

    @Override
    public Connection getConnection() throws SQLException {
        delegate.getConnection(); // keeps xerial's closed-statement error
        return connection;
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        String keyed = connection.keyed(sql); // INSERT … RETURNING arrives here too
        boolean mayWrite = StatementText.mayWrite(sql);
        boolean mayControlTransaction = GateHolds.mayControlTransaction(sql);
        return statement(sql, mayWrite, mayControlTransaction,
                () -> held(mayControlTransaction, StatementText.onlyReads(sql, mayWrite), () -> wrapResultSet(delegate.executeQuery(keyed))));
    }

    <T> T run(String text, io.syncsqlite.capture.Transactions.SqlWork<T> work) throws SQLException {
        boolean single = StatementText.singleStatement(text);
        boolean mayWrite = StatementText.mayWrite(text);
        boolean mayControlTransaction = GateHolds.mayControlTransaction(text);
        T result = statement(text, mayWrite, mayControlTransaction, () -> held(mayControlTransaction, StatementText.onlyReads(text, mayWrite),
                () -> connection.execute(BulkDelete.deletesEveryRowOf(text), SchemaChange.of(text), single, work)));
        if (StatementText.setsFollowedPragma(text)) connection.followedPragmaSet();
        return result;
    }

    /**
     * Runs the application statement {@code text}, refused as plain SQLite refuses it (see {@link ConnectionWrapper#beforeStatement});
     * {@code mayWrite} and {@code mayControlTransaction} are what {@link StatementText#mayWrite} and
     * {@link GateHolds#mayControlTransaction} say of it, worked out once by the caller.
     */
    <T> T statement(String text, boolean mayWrite, boolean mayControlTransaction, io.syncsqlite.capture.Transactions.SqlWork<T> work) throws SQLException {
        connection.beforeStatement(mayWrite, mayControlTransaction);
        try {
            return work.run();
        } catch (SQLException e) {
            throw StatementText.setsJournalMode(text) ? connection.journalModeRefused(e) : e;
        }
    }

    /**
     * Runs an execution under the connection's hold on the file's write gate ({@link GateHolds}); a query that writes
     * nothing ({@code read}) does not wait for the engine's running slice. In auto-commit mode a result set it leaves
     * open keeps the hold until it is exhausted or closed, or this statement runs again or closes.
     */
    <T> T held(boolean mayControlTransaction, boolean read, io.syncsqlite.capture.Transactions.SqlWork<T> work) throws SQLException {
        releaseResultHold(); // a new execution closes the previous result set
        GateHolds holds = connection.holds();
        boolean own = holds.beforeStatement(read);
        boolean keep = false;
        T result;
        boolean ended;
        try {
            result = work.run();
            keep = own && (result instanceof ResultSet || Boolean.TRUE.equals(result));
        } finally {
            if (keep) {
                synchronized (this) {
                    resultHold = true;
                }
            }
            ended = holds.afterStatement(own, keep, mayControlTransaction);
        }
        if (ended) connection.transactionEndedInSql();
        connection.afterHold();
        return result;
    }

    /** Gives back the hold an auto-commit result set of this statement kept, once. */
    void releaseResultHold() {
        synchronized (this) {
            if (!resultHold) return;
            resultHold = false;
        }
        connection.holds().leave();
    }

    @Override
    public void close() throws SQLException {
        try {
            delegate.close();
        } finally {
            releaseResultHold();
        }
    }

    /**
     * {@code executeUpdate(String)} and friends: xerial's count with the capture triggers' writes taken off. Callers
     * pass the keyed SQL in {@code work}, computed beforehand, so no lookup runs while the connection is held.
     */
    private long update(String text, io.syncsqlite.capture.Transactions.SqlWork<Long> work) throws SQLException {
        return run(text, () -> CaptureChanges.excluded(connection.delegate.getDatabase(), work));
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return run(sql, () -> delegate.execute(connection.keyed(sql)));
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return run(sql, () -> delegate.execute(connection.keyed(sql), autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return run(sql, () -> delegate.execute(connection.keyed(sql), columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return run(sql, () -> delegate.execute(connection.keyed(sql), columnNames));
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        String keyed = connection.keyed(sql);
        return (int) update(sql, () -> (long) delegate.executeUpdate(keyed));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        String keyed = connection.keyed(sql);
        return (int) update(sql, () -> (long) delegate.executeUpdate(keyed, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        String keyed = connection.keyed(sql);
        return (int) update(sql, () -> (long) delegate.executeUpdate(keyed, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        String keyed = connection.keyed(sql);
        return (int) update(sql, () -> (long) delegate.executeUpdate(keyed, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        String keyed = connection.keyed(sql);
        return update(sql, () -> delegate.executeLargeUpdate(keyed));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        String keyed = connection.keyed(sql);
        return update(sql, () -> delegate.executeLargeUpdate(keyed, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        String keyed = connection.keyed(sql);
        return update(sql, () -> delegate.executeLargeUpdate(keyed, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        String keyed = connection.keyed(sql);
        return update(sql, () -> delegate.executeLargeUpdate(keyed, columnNames));
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        delegate.addBatch(connection.keyed(sql));
        batchSql.add(sql);
        markBatch(SchemaChange.of(sql));
    }

    /** Whether a prepared statement's SQL may write; overridden with what was worked out when it was prepared. */
    boolean batchMayWrite() {
        return StatementText.mayWrite(sql);
    }

    /** Prepared statements add their own SQL to the batch, classified once when prepared (not per row). */
    void markBatch(SchemaChange change) {
        batchSchemaChange = batchSchemaChange.and(change);
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
        batchSql.clear();
        batchSchemaChange = SchemaChange.NONE;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        if (createsThenUses()) return entryByEntry();
        return runBatch(delegate::executeBatch);
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        if (createsThenUses()) return java.util.Arrays.stream(entryByEntry()).asLongStream().toArray();
        return runBatch(delegate::executeLargeBatch);
    }

    private <T> T runBatch(io.syncsqlite.capture.Transactions.SqlWork<T> work) throws SQLException {
        if (sql != null) connection.beforeStatement(batchMayWrite(), GateHolds.mayControlTransaction(sql));
        else for (String entry : batchSql) connection.beforeStatement(StatementText.mayWrite(entry), GateHolds.mayControlTransaction(entry));
        SchemaChange change = batchSchemaChange;
        batchSchemaChange = SchemaChange.NONE;
        batchSql.clear();
        return held(false, false, () -> connection.execute(change, false, work));
    }

    /**
     * A batch that changes the schema without dropping anything and has more statements after its first DDL (create a
     * table, then insert into it): its INSERTs were keyed when added, before the table existed, so their rowid keys
     * would be SQLite's. Such a batch runs one entry at a time, each keyed and instrumented as a statement would be.
     * (A batch that drops a table or column runs whole, in one transaction, so a rebuild is reconciled as a whole.)
     */
    private boolean createsThenUses() {
        if (!batchSchemaChange.mayChangeSchema() || batchSchemaChange.dropsColumn() || batchSchemaChange.dropsTable()) return false;
        for (int i = 0; i < batchSql.size() - 1; i++) if (SchemaChange.of(batchSql.get(i)).mayChangeSchema()) return true;
        return false;
    }

    /** Runs the batch entry by entry through xerial's own batch code, with xerial's counts and exception. */
    private int[] entryByEntry() throws SQLException {
        List<String> entries = new ArrayList<>(batchSql);
        delegate.clearBatch();
        batchSql.clear();
        batchSchemaChange = SchemaChange.NONE;
        int[] counts = new int[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            try {
                connection.beforeStatement(StatementText.mayWrite(entry), GateHolds.mayControlTransaction(entry));
                counts[i] = held(false, false, () -> connection.execute(SchemaChange.of(entry), false, () -> {
                    delegate.addBatch(connection.keyed(entry));
                    return delegate.executeBatch()[0];
                }));
            } catch (java.sql.BatchUpdateException e) {
                String message = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^batch entry 0: ", "");
                throw new java.sql.BatchUpdateException("batch entry " + i + ": " + message, counts);
            }
        }
        return counts;
    }
}
