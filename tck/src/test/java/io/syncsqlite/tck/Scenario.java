package io.syncsqlite.tck;

import java.sql.Connection;

/** A piece of JDBC usage, run once per driver; what it observes goes into the {@link Trace}. */
@FunctionalInterface
interface Scenario {
    void run(Connection c, Trace t) throws Exception;
}
