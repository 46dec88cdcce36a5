package io.syncsqlite.jdbc;

import java.sql.CallableStatement;

/** A callable statement (xerial supports few of its methods; those it rejects are rejected alike). */
final class CallableStatementWrapper extends CallableStatementDelegate {
    CallableStatementWrapper(CallableStatement delegate, ConnectionWrapper connection, String sql) {
        super(delegate, connection, sql);
    }
}
