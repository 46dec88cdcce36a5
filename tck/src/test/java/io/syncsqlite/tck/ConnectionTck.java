package io.syncsqlite.tck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** {@link Connection}: properties, modes, lifecycle, what a closed connection does. */
class ConnectionTck extends TckSuite {
    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                Case.of("auto-commit defaults to true", (c, t) -> t.add("autoCommit", c::getAutoCommit)),
                Case.of("read-only defaults to false", (c, t) -> t.add("readOnly", c::isReadOnly)),
                Case.of("setReadOnly(true) outside a transaction", (c, t) -> {
                    t.run("set", () -> c.setReadOnly(true));
                    t.add("readOnly", c::isReadOnly);
                }),
                Case.of("catalog and schema", (c, t) -> {
                    t.add("catalog", c::getCatalog);
                    t.run("setCatalog", () -> c.setCatalog("other"));
                    t.add("catalog after set", c::getCatalog);
                    t.add("schema", c::getSchema);
                    t.run("setSchema", () -> c.setSchema("main"));
                }),
                Case.of("default isolation", (c, t) -> t.add("isolation", c::getTransactionIsolation)),
                Case.of("holdability", (c, t) -> {
                    t.add("holdability", c::getHoldability);
                    t.run("set hold", () -> c.setHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT));
                    t.run("set close", () -> c.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT));
                    t.add("holdability after", c::getHoldability);
                }),
                Case.of("warnings", (c, t) -> {
                    t.add("warnings", c::getWarnings);
                    t.run("clear", c::clearWarnings);
                }),
                Case.of("nativeSQL passes through", (c, t) -> t.add("native", () -> c.nativeSQL("SELECT {fn now()}"))),
                Case.of("isValid", (c, t) -> {
                    t.add("valid 0", () -> c.isValid(0));
                    t.add("valid 1", () -> c.isValid(1));
                    t.add("valid negative", () -> c.isValid(-1));
                }),
                Case.of("client info", (c, t) -> {
                    t.add("all", c::getClientInfo);
                    t.add("one", () -> c.getClientInfo("ApplicationName"));
                    t.run("set one", () -> c.setClientInfo("ApplicationName", "tck"));
                    t.run("set all", () -> c.setClientInfo(new Properties()));
                }),
                Case.of("type map", (c, t) -> {
                    t.add("map", c::getTypeMap);
                    t.run("set", () -> c.setTypeMap(new java.util.HashMap<>()));
                }),
                Case.of("network timeout", (c, t) -> {
                    t.add("get", c::getNetworkTimeout);
                    t.run("set", () -> c.setNetworkTimeout(Runnable::run, 1000));
                }),
                Case.of("unsupported factories", (c, t) -> {
                    t.add("createArrayOf", () -> c.createArrayOf("INTEGER", new Object[] {1}));
                    t.add("createStruct", () -> c.createStruct("T", new Object[] {1}));
                    t.add("createBlob", c::createBlob);
                    t.add("createClob", c::createClob);
                    t.add("createNClob", c::createNClob);
                    t.add("createSQLXML", c::createSQLXML);
                }),
                Case.of("close is idempotent and closes", (c, t) -> {
                    t.add("closed before", c::isClosed);
                    t.run("close", c::close);
                    t.run("close again", c::close);
                    t.add("closed after", c::isClosed);
                    t.add("valid after close", () -> c.isValid(0));
                }),
                Case.of("closed connection rejects statements", (c, t) -> {
                    c.close();
                    t.add("createStatement", c::createStatement);
                    t.add("prepareStatement", () -> c.prepareStatement("SELECT 1"));
                    t.add("prepareCall", () -> c.prepareCall("SELECT 1"));
                    t.add("getMetaData", c::getMetaData);
                    t.add("getAutoCommit", c::getAutoCommit);
                    t.run("setAutoCommit", () -> c.setAutoCommit(false));
                    t.run("commit", c::commit);
                    t.run("rollback", c::rollback);
                    t.add("setSavepoint", c::setSavepoint);
                    t.add("isReadOnly", c::isReadOnly);
                    t.add("getTransactionIsolation", c::getTransactionIsolation);
                    t.add("getWarnings", c::getWarnings);
                }),
                Case.of("abort", (c, t) -> {
                    t.run("abort", () -> c.abort(Runnable::run));
                    t.add("closed", c::isClosed);
                }),
                Case.of("abort with null executor", (c, t) -> t.run("abort", () -> c.abort(null))),
                Case.of("statement types and concurrencies", (c, t) -> {
                    int[] types = {ResultSet.TYPE_FORWARD_ONLY, ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.TYPE_SCROLL_SENSITIVE};
                    int[] concurrencies = {ResultSet.CONCUR_READ_ONLY, ResultSet.CONCUR_UPDATABLE};
                    for (int type : types) {
                        for (int conc : concurrencies) {
                            t.add("createStatement " + type + "/" + conc, () -> {
                                try (var s = c.createStatement(type, conc)) {
                                    return s.getResultSetType() + "/" + s.getResultSetConcurrency();
                                }
                            });
                            t.add("prepareStatement " + type + "/" + conc, () -> {
                                try (var s = c.prepareStatement("SELECT 1", type, conc)) {
                                    return s.getResultSetType() + "/" + s.getResultSetConcurrency();
                                }
                            });
                            t.add("prepareCall " + type + "/" + conc, () -> {
                                try (var s = c.prepareCall("SELECT 1", type, conc)) {
                                    return s.getResultSetType() + "/" + s.getResultSetConcurrency();
                                }
                            });
                        }
                    }
                }),
                Case.of("statement holdabilities", (c, t) -> {
                    for (int h : new int[] {ResultSet.HOLD_CURSORS_OVER_COMMIT, ResultSet.CLOSE_CURSORS_AT_COMMIT}) {
                        t.add("create " + h, () -> {
                            try (var s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, h)) {
                                return s.getResultSetHoldability();
                            }
                        });
                        t.add("prepare " + h, () -> {
                            try (var s = c.prepareStatement("SELECT 1", ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, h)) {
                                return s.getResultSetHoldability();
                            }
                        });
                        t.add("call " + h, () -> {
                            try (var s = c.prepareCall("SELECT 1", ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, h)) {
                                return s.getResultSetHoldability();
                            }
                        });
                    }
                }),
                Case.of("prepare invalid SQL", (c, t) -> t.add("prepare", () -> c.prepareStatement("SELEKT 1"))),
                Case.of("prepare against missing table", (c, t) -> t.add("prepare", () -> c.prepareStatement("SELECT * FROM nope"))),
                Case.of("prepare with key flags", (c, t) -> {
                    exec(c, "CREATE TABLE k(id INTEGER PRIMARY KEY, v TEXT)");
                    t.add("keys flag", () -> c.prepareStatement("INSERT INTO k(v) VALUES ('a')", java.sql.Statement.RETURN_GENERATED_KEYS));
                    t.add("column indexes", () -> c.prepareStatement("INSERT INTO k(v) VALUES ('a')", new int[] {1}));
                    t.add("column names", () -> c.prepareStatement("INSERT INTO k(v) VALUES ('a')", new String[] {"id"}));
                }),
                Case.of("pragma user_version round trip", (c, t) -> {
                    exec(c, "PRAGMA user_version = 7");
                    t.query(c, "PRAGMA user_version");
                }),
                Case.of("pragma foreign_keys default", (c, t) -> t.query(c, "PRAGMA foreign_keys")),
                Case.withParams("foreign_keys=true from the URL", "?foreign_keys=true", (c, t) -> t.query(c, "PRAGMA foreign_keys")),
                Case.withParams("explicit journal_mode=DELETE is honoured", "?journal_mode=DELETE", (c, t) -> t.query(c, "PRAGMA journal_mode")),
                Case.withParams("explicit busy_timeout is honoured", "?busy_timeout=1234", (c, t) -> t.query(c, "PRAGMA busy_timeout")),
                Case.withParams("open_mode read-only URL", "?open_mode=1", (c, t) -> t.add("readOnly", c::isReadOnly)),
                Case.withParams("unknown xerial parameter", "?no_such_thing=1", (c, t) -> t.add("autoCommit", c::getAutoCommit)),
                Case.of("sqlite_version", (c, t) -> t.query(c, "SELECT sqlite_version()")),
                Case.of("tables visible to SQL", (c, t) -> {
                    exec(c, "CREATE TABLE a(id TEXT PRIMARY KEY)", "CREATE TABLE b(x)");
                    t.query(c, "SELECT count(*) FROM a");
                    t.query(c, "SELECT count(*) FROM b");
                })));
        for (int level : new int[] {Connection.TRANSACTION_NONE, Connection.TRANSACTION_READ_UNCOMMITTED, Connection.TRANSACTION_READ_COMMITTED,
                Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE, 42}) {
            cases.add(Case.of("setTransactionIsolation(" + level + ")", (c, t) -> {
                t.run("set", () -> c.setTransactionIsolation(level));
                t.add("get", c::getTransactionIsolation);
            }));
        }
        for (boolean auto : new boolean[] {true, false}) {
            cases.add(Case.of("setReadOnly inside transaction, autoCommit=" + auto, (c, t) -> {
                c.setAutoCommit(auto);
                exec(c, "CREATE TABLE r(x)");
                t.run("setReadOnly", () -> c.setReadOnly(true));
                t.add("readOnly", c::isReadOnly);
                t.run("insert", () -> exec(c, "INSERT INTO r VALUES (1)"));
            }));
        }
        return cases.stream();
    }
}
