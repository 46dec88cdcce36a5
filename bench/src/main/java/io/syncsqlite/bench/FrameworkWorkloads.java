package io.syncsqlite.bench;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.sql.Connection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Writes as a framework user makes them: Hibernate's JDBC batching (inserts and updates of managed entities) and a jOOQ
 * batch, each on the bench's own connection so plain and syncsqlite run the very same framework code.
 */
final class FrameworkWorkloads {
    private static final String ORDER_TABLE = "CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, customer TEXT, total REAL, status TEXT)";

    /** A row of {@code orders}, mapped for Hibernate. */
    @Entity(name = "BenchOrder")
    @Table(name = "orders")
    public static class Order {
        @Id
        public long id;
        public String customer;
        public double total;
        public String status;
    }

    /** One session factory per benchmark connection, each handing out only that connection. */
    private final Map<Connection, SessionFactory> factories = new IdentityHashMap<>();

    private FrameworkWorkloads() {
    }

    static List<PairedCase> writes(Sizes s) {
        return new FrameworkWorkloads().cases(s.txRows() / 10);
    }

    private List<PairedCase> cases(int n) {
        PairedCase.Step orders = c -> Databases.exec(c, ORDER_TABLE);
        return List.of(
                new PairedCase("Hibernate batch insert (" + n / 1000 + "k entities, batch 1000, one tx)", Workloads.BULK_TARGET, n, orders, (c, r) -> {
                    try (Session session = factory(c).openSession()) {
                        session.beginTransaction();
                        for (long id = (long) r * n; id < (long) (r + 1) * n; id++) {
                            Order o = new Order();
                            o.id = id;
                            o.customer = "customer " + id % 1000;
                            o.total = id * 0.5;
                            o.status = "new";
                            session.persist(o);
                        }
                        session.getTransaction().commit();
                    }
                }),
                new PairedCase("Hibernate batch update (" + n / 1000 + "k entities, batch 1000, one tx)", Workloads.BULK_TARGET, n, c -> {
                    orders.run(c);
                    Databases.exec(c, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " + (n - 1) + ")"
                            + " INSERT INTO orders SELECT i, 'customer ' || (i % 1000), i * 0.5, 'new' FROM n");
                }, (c, r) -> {
                    try (Session session = factory(c).openSession()) {
                        session.beginTransaction();
                        for (Order o : session.createSelectionQuery("from BenchOrder where id < :n", Order.class).setParameter("n", (long) n).list()) {
                            o.status = "round " + r;
                            o.total += 1;
                        }
                        session.getTransaction().commit();
                    }
                }),
                new PairedCase("jOOQ batch insert (" + n / 1000 + "k rows, one batch, one tx)", Workloads.BULK_TARGET, n, orders, (c, r) -> {
                    c.setAutoCommit(false);
                    DSLContext ctx = DSL.using(c, SQLDialect.SQLITE);
                    BatchBindStep batch = ctx.batch(ctx.insertInto(DSL.table(DSL.name("orders")), DSL.field(DSL.name("id")), DSL.field(DSL.name("customer")),
                            DSL.field(DSL.name("total")), DSL.field(DSL.name("status"))).values((Object) null, null, null, null));
                    for (long id = (long) r * n + 10_000_000L; id < (long) (r + 1) * n + 10_000_000L; id++) batch.bind(id, "customer " + id % 1000, id * 0.5, "new");
                    batch.execute();
                    c.commit();
                    c.setAutoCommit(true);
                }));
    }

    private SessionFactory factory(Connection c) {
        return factories.computeIfAbsent(c, conn -> {
            Configuration cfg = new Configuration()
                    .addAnnotatedClass(Order.class)
                    .setProperty("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
                    .setProperty("hibernate.jdbc.batch_size", "1000")
                    .setProperty("hibernate.order_updates", "true")
                    .setProperty("hibernate.hbm2ddl.auto", "none");
            cfg.getProperties().put("hibernate.connection.provider_class", new OneConnection(conn));
            return cfg.buildSessionFactory();
        });
    }

    /** Hands Hibernate the benchmark's connection and never closes it. */
    private static final class OneConnection implements ConnectionProvider {
        private final Connection c;

        OneConnection(Connection c) {
            this.c = c;
        }

        @Override
        public Connection getConnection() {
            return c;
        }

        @Override
        public void closeConnection(Connection conn) {
            // the bench owns the connection
        }

        @Override
        public boolean supportsAggressiveRelease() {
            return false;
        }

        @Override
        public boolean isUnwrappableAs(Class<?> type) {
            return false;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException("not unwrappable");
        }
    }
}
