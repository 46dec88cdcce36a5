package io.syncsqlite.jdbc;

import io.syncsqlite.capture.BulkDelete;
import io.syncsqlite.capture.SchemaChange;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A prepared statement; its SQL is classified once, at prepare time. */
class PreparedStatementWrapper extends PreparedStatementDelegate {
    private final PreparedStatement prepared;
    private final SchemaChange schemaChange;
    private final boolean mayControlTransaction;
    private final boolean setsFollowedPragma;
    private final boolean onlyReads;
    private final boolean mayWrite;
    /** The table a {@code DELETE FROM t} empties, or {@code null}. */
    private final String deletesEveryRowOf;

    PreparedStatementWrapper(PreparedStatement delegate, ConnectionWrapper connection, String sql) {
        super(delegate, connection, sql);
        this.prepared = delegate;
        this.schemaChange = SchemaChange.of(sql);
        this.mayControlTransaction = GateHolds.mayControlTransaction(sql);
        this.setsFollowedPragma = StatementText.setsFollowedPragma(sql);
        this.mayWrite = StatementText.mayWrite(sql);
        this.onlyReads = StatementText.onlyReads(sql, mayWrite);
        this.deletesEveryRowOf = BulkDelete.deletesEveryRowOf(sql);
    }

    private <T> T run(io.syncsqlite.capture.Transactions.SqlWork<T> work) throws SQLException {
        T result = statement(sql, mayWrite, mayControlTransaction,
                () -> held(mayControlTransaction, onlyReads, () -> connection.execute(deletesEveryRowOf, schemaChange, true, work)));
        if (setsFollowedPragma) connection.followedPragmaSet();
        return result;
    }

    @Override
    public java.sql.ResultSet executeQuery() throws SQLException {
        return statement(sql, mayWrite, mayControlTransaction, () -> held(mayControlTransaction, onlyReads, () -> wrapResultSet(prepared.executeQuery())));
    }

    @Override
    public boolean execute() throws SQLException {
        return run(prepared::execute);
    }

    @Override
    public int executeUpdate() throws SQLException {
        return run(prepared::executeUpdate);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return run(prepared::executeLargeUpdate);
    }

    @Override
    boolean batchMayWrite() {
        return mayWrite;
    }

    @Override
    public void addBatch() throws SQLException {
        prepared.addBatch();
        markBatch(schemaChange);
    }
}
