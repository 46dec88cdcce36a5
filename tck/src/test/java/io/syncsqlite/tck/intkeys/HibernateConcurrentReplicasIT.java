package io.syncsqlite.tck.intkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.tck.intkeys.HibernateIdentityIT.Parent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 case 1 as an application meets it: several replicas, each a Hibernate application with {@code Integer}
 * IDENTITY ids, persist entities at the same time and sync (memory transport, one JVM). Every id Hibernate was given
 * finds its entity, on its own replica and after sync on every other one, and a change made on another replica to an
 * entity found by that id reaches every replica. Uses only JDBC, Hibernate and {@code SyncConnection}.
 */
class HibernateConcurrentReplicasIT {
    private static final int REPLICAS = 3;
    private static final int PARENTS = 100;

    @TempDir
    Path dir;

    private final String ns = "hib-" + System.nanoTime();

    private String url(int replica) {
        return "jdbc:syncsqlite:" + dir.resolve("r" + replica + ".db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    @Test
    void replicasPersistingIntegerIdentityEntitiesConcurrentlyFindEveryOneAndItsLaterChanges() throws Exception {
        List<Connection> held = new ArrayList<>(); // keeps each file's engine up between sessions
        List<SessionFactory> factories = new ArrayList<>();
        try {
            for (int r = 0; r < REPLICAS; r++) {
                Connection c = DriverManager.getConnection(url(r));
                held.add(c);
                try (Statement s = c.createStatement()) {
                    for (String sql : Families.SCHEMA) s.execute(sql);
                }
                c.unwrap(SyncConnection.class).syncNow();
                factories.add(HibernateIdentityIT.sessionFactory(url(r)));
            }
            Map<Integer, String> persisted = new ConcurrentHashMap<>(); // id Hibernate was given -> name
            ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int r = 0; r < REPLICAS; r++) {
                    SessionFactory sf = factories.get(r);
                    String who = "r" + r;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < PARENTS; i++) {
                            Parent n = new Parent();
                            n.name = who + "-" + i;
                            sf.inTransaction(session -> session.persist(n));
                            assertEquals(n.name, sf.fromSession(session -> session.find(Parent.class, n.id).name), "find by the id Hibernate was given");
                            assertTrue(persisted.putIfAbsent(n.id, n.name) == null, "id " + n.id + " given twice");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : writers) f.get();
            } finally {
                pool.shutdown();
            }
            assertEquals(REPLICAS * PARENTS, persisted.size());
            syncAll(held);
            int moved = persisted.keySet().iterator().next();
            factories.get(REPLICAS - 1).inTransaction(session -> session.find(Parent.class, moved).name = "changed on the last replica");
            persisted.put(moved, "changed on the last replica");
            syncAll(held);
            for (int r = 0; r < REPLICAS; r++) {
                SessionFactory sf = factories.get(r);
                Set<Integer> seen = new HashSet<>();
                sf.inSession(session -> {
                    for (Map.Entry<Integer, String> e : persisted.entrySet()) {
                        Parent n = session.find(Parent.class, e.getKey());
                        assertNotNull(n, "entity " + e.getKey());
                        assertEquals(e.getValue(), n.name);
                        seen.add(n.id);
                    }
                });
                assertEquals(persisted.keySet(), seen);
                assertEquals(REPLICAS * PARENTS, count(held.get(r)), "no entity replaced another");
            }
        } finally {
            for (SessionFactory sf : factories) sf.close();
            for (Connection c : held) c.close();
        }
    }

    private static void syncAll(List<Connection> replicas) throws SQLException {
        for (int round = 0; round < 2; round++) for (Connection c : replicas) c.unwrap(SyncConnection.class).syncNow();
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM parent")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
