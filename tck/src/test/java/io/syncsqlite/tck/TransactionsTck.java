package io.syncsqlite.tck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Transactions and savepoints: commit, rollback, auto-commit switching, nesting, misuse, and cursors across commits. */
class TransactionsTck extends TckSuite {
    private static final String SETUP = "CREATE TABLE tx(id TEXT PRIMARY KEY, v INTEGER)";

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                Case.of("rollback discards, commit keeps", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    exec(c, "INSERT INTO tx VALUES ('a', 1)");
                    t.run("rollback", c::rollback);
                    t.query(c, "SELECT count(*) FROM tx");
                    exec(c, "INSERT INTO tx VALUES ('b', 2)");
                    t.run("commit", c::commit);
                    t.query(c, "SELECT * FROM tx");
                }),
                Case.of("commit and rollback in auto-commit mode", (c, t) -> {
                    t.run("commit", c::commit);
                    t.run("rollback", c::rollback);
                }),
                Case.of("switching auto-commit on commits", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    exec(c, "INSERT INTO tx VALUES ('a', 1)");
                    t.run("autoCommit on", () -> c.setAutoCommit(true));
                    t.run("rollback after", c::rollback);
                    t.query(c, "SELECT count(*) FROM tx");
                }),
                Case.of("setAutoCommit to the same value", (c, t) -> {
                    t.run("true", () -> c.setAutoCommit(true));
                    t.run("false", () -> c.setAutoCommit(false));
                    t.run("false again", () -> c.setAutoCommit(false));
                    t.add("get", c::getAutoCommit);
                }),
                Case.of("savepoints: named, unnamed, release, rollback to", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    exec(c, "INSERT INTO tx VALUES ('a', 1)");
                    Savepoint s1 = (Savepoint) t.add("named", () -> c.setSavepoint("first"));
                    t.add("name", s1::getSavepointName);
                    t.add("id of named", s1::getSavepointId);
                    exec(c, "INSERT INTO tx VALUES ('b', 2)");
                    Savepoint s2 = (Savepoint) t.add("unnamed", c::setSavepoint);
                    t.add("id", s2::getSavepointId);
                    t.add("name of unnamed", s2::getSavepointName);
                    exec(c, "INSERT INTO tx VALUES ('c', 3)");
                    t.run("rollback to s2", () -> c.rollback(s2));
                    t.query(c, "SELECT id FROM tx ORDER BY id");
                    t.run("release s1", () -> c.releaseSavepoint(s1));
                    t.run("rollback to released", () -> c.rollback(s1));
                    t.run("commit", c::commit);
                    t.query(c, "SELECT id FROM tx ORDER BY id");
                }),
                Case.of("rollback to an outer savepoint drops inner work", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    Savepoint outer = c.setSavepoint("outer");
                    exec(c, "INSERT INTO tx VALUES ('a', 1)");
                    c.setSavepoint("inner");
                    exec(c, "INSERT INTO tx VALUES ('b', 2)");
                    t.run("rollback outer", () -> c.rollback(outer));
                    t.query(c, "SELECT count(*) FROM tx");
                    c.commit();
                }),
                Case.of("savepoint in auto-commit mode", (c, t) -> {
                    exec(c, SETUP);
                    t.add("setSavepoint", () -> c.setSavepoint("s"));
                    t.add("autoCommit", c::getAutoCommit);
                    t.run("insert", () -> exec(c, "INSERT INTO tx VALUES ('a', 1)"));
                }),
                Case.of("savepoint with SQL statements", (c, t) -> {
                    exec(c, SETUP);
                    t.run("SAVEPOINT", () -> exec(c, "SAVEPOINT sp"));
                    t.run("insert", () -> exec(c, "INSERT INTO tx VALUES ('a', 1)"));
                    t.run("ROLLBACK TO", () -> exec(c, "ROLLBACK TO sp"));
                    t.run("RELEASE", () -> exec(c, "RELEASE sp"));
                    t.query(c, "SELECT count(*) FROM tx");
                }),
                Case.of("explicit BEGIN/COMMIT statements", (c, t) -> {
                    exec(c, SETUP);
                    t.run("BEGIN", () -> exec(c, "BEGIN"));
                    t.run("insert", () -> exec(c, "INSERT INTO tx VALUES ('a', 1)"));
                    t.run("ROLLBACK", () -> exec(c, "ROLLBACK"));
                    t.run("BEGIN IMMEDIATE", () -> exec(c, "BEGIN IMMEDIATE"));
                    t.run("insert", () -> exec(c, "INSERT INTO tx VALUES ('b', 2)"));
                    t.run("COMMIT", () -> exec(c, "COMMIT"));
                    t.run("COMMIT again", () -> exec(c, "COMMIT"));
                    t.query(c, "SELECT * FROM tx");
                }),
                Case.of("BEGIN inside a JDBC transaction", (c, t) -> {
                    c.setAutoCommit(false);
                    exec(c, SETUP);
                    t.run("BEGIN", () -> exec(c, "BEGIN"));
                }),
                Case.of("DDL rolls back", (c, t) -> {
                    c.setAutoCommit(false);
                    exec(c, SETUP, "INSERT INTO tx VALUES ('a', 1)");
                    t.run("rollback", c::rollback);
                    t.run("select", () -> exec(c, "SELECT * FROM tx"));
                    exec(c, SETUP, "INSERT INTO tx VALUES ('b', 2)", "ALTER TABLE tx ADD COLUMN w TEXT");
                    c.commit();
                    exec(c, "ALTER TABLE tx ADD COLUMN z TEXT", "UPDATE tx SET z = 'zz'");
                    c.rollback();
                    t.query(c, "SELECT * FROM tx");
                }),
                Case.of("transaction across several statements", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    try (Statement a = c.createStatement(); Statement b = c.createStatement();
                         var ps = c.prepareStatement("UPDATE tx SET v = v + 1 WHERE id = ?")) {
                        t.add("a", () -> a.executeUpdate("INSERT INTO tx VALUES ('a', 1)"));
                        t.add("b", () -> b.executeUpdate("INSERT INTO tx VALUES ('b', 1)"));
                        ps.setString(1, "a");
                        t.add("ps", ps::executeUpdate);
                    }
                    c.commit();
                    t.query(c, "SELECT * FROM tx ORDER BY id");
                }),
                Case.of("open cursor across commit", (c, t) -> {
                    exec(c, SETUP, "INSERT INTO tx VALUES ('a', 1), ('b', 2)");
                    c.setAutoCommit(false);
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM tx ORDER BY id")) {
                        t.add("next", rs::next);
                        t.run("commit", c::commit);
                        t.add("next after commit", rs::next);
                        t.add("value", () -> rs.getString(1));
                    }
                }),
                Case.of("open cursor across rollback", (c, t) -> {
                    exec(c, SETUP, "INSERT INTO tx VALUES ('a', 1), ('b', 2)");
                    c.setAutoCommit(false);
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM tx ORDER BY id")) {
                        t.add("next", rs::next);
                        t.run("rollback", c::rollback);
                        t.add("next after rollback", rs::next);
                    }
                }),
                Case.of("failed statement keeps the transaction", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    exec(c, "INSERT INTO tx VALUES ('a', 1)");
                    t.run("duplicate", () -> exec(c, "INSERT INTO tx VALUES ('a', 2)"));
                    t.run("commit", c::commit);
                    t.query(c, "SELECT * FROM tx");
                }),
                Case.of("second connection sees only committed data", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    exec(c, "INSERT INTO tx VALUES ('a', 1)");
                    t.query(c, "SELECT count(*) FROM tx");
                    c.commit();
                    t.query(c, "SELECT count(*) FROM tx");
                })));
        for (String mode : List.of("DEFERRED", "IMMEDIATE", "EXCLUSIVE", "BOGUS")) {
            cases.add(Case.withParams("transaction_mode=" + mode, "?transaction_mode=" + mode, (c, t) -> {
                exec(c, SETUP);
                c.setAutoCommit(false);
                t.run("insert", () -> exec(c, "INSERT INTO tx VALUES ('a', 1)"));
                t.run("commit", c::commit);
                t.query(c, "SELECT * FROM tx");
            }));
        }
        for (int level : new int[] {Connection.TRANSACTION_READ_UNCOMMITTED, Connection.TRANSACTION_SERIALIZABLE}) {
            cases.add(Case.of("isolation " + level + " inside a transaction", (c, t) -> {
                exec(c, SETUP);
                c.setAutoCommit(false);
                exec(c, "INSERT INTO tx VALUES ('a', 1)");
                t.run("set", () -> c.setTransactionIsolation(level));
                t.add("get", c::getTransactionIsolation);
                t.query(c, "PRAGMA read_uncommitted");
                t.run("commit", c::commit);
            }));
        }
        return cases.stream();
    }
}
