package io.syncsqlite.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One workload run identically against plain SQLite and syncsqlite.
 *
 * @param name      what the row of the table says
 * @param target    the syncsqlite/plain time ratio to stay under
 * @param opsPerRound statements (or rows) one round executes, to report time per operation
 * @param prepare   untimed: schema and seed data, once per database
 * @param before    untimed, before each round: what the round consumes (rows it deletes)
 * @param round     timed: round {@code r} (warmup rounds included, counted from 0) must leave the database ready for {@code r+1}
 */
record PairedCase(String name, double target, int opsPerRound, Step prepare, Round before, Round round) {
    PairedCase(String name, double target, int opsPerRound, Step prepare, Round round) {
        this(name, target, opsPerRound, prepare, (c, r) -> { }, round);
    }

    /** Untimed setup. */
    @FunctionalInterface
    interface Step {
        void run(Connection c) throws SQLException;
    }

    /** The timed body of round {@code r}. */
    @FunctionalInterface
    interface Round {
        void run(Connection c, int r) throws SQLException;
    }
}
