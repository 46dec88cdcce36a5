package io.syncsqlite.tck.intkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
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
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 case 1 as an application meets it: several replicas, each a Hibernate application with {@code Integer}
 * IDENTITY ids, persist entities at the same time and sync (memory transport, one JVM). Every id Hibernate was given
 * finds its entity, on its own replica and after sync on every other one, and a change made on another replica to an
 * entity found by that id reaches every replica. Uses only JDBC, Hibernate and {@code SyncConnection}.
 */
class HibernateConcurrentReplicasIT {
    @Entity
    @Table(name = "note")
    public static class Note {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Integer id;
        String text;
    }

    private static final int REPLICAS = 3;
    private static final int NOTES = 100;

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
                    s.execute("CREATE TABLE note(id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)");
                }
                c.unwrap(SyncConnection.class).syncNow();
                factories.add(sessionFactory(url(r)));
            }
            Map<Integer, String> persisted = new ConcurrentHashMap<>(); // id Hibernate was given -> text
            ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int r = 0; r < REPLICAS; r++) {
                    SessionFactory sf = factories.get(r);
                    String who = "r" + r;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < NOTES; i++) {
                            Note n = new Note();
                            n.text = who + "-" + i;
                            sf.inTransaction(session -> session.persist(n));
                            assertEquals(n.text, sf.fromSession(session -> session.find(Note.class, n.id).text), "find by the id Hibernate was given");
                            assertTrue(persisted.putIfAbsent(n.id, n.text) == null, "id " + n.id + " given twice");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : writers) f.get();
            } finally {
                pool.shutdown();
            }
            assertEquals(REPLICAS * NOTES, persisted.size());
            syncAll(held);
            int moved = persisted.keySet().iterator().next();
            factories.get(REPLICAS - 1).inTransaction(session -> session.find(Note.class, moved).text = "changed on the last replica");
            persisted.put(moved, "changed on the last replica");
            syncAll(held);
            for (int r = 0; r < REPLICAS; r++) {
                SessionFactory sf = factories.get(r);
                Set<Integer> seen = new HashSet<>();
                sf.inSession(session -> {
                    for (Map.Entry<Integer, String> e : persisted.entrySet()) {
                        Note n = session.find(Note.class, e.getKey());
                        assertNotNull(n, "note " + e.getKey());
                        assertEquals(e.getValue(), n.text);
                        seen.add(n.id);
                    }
                });
                assertEquals(persisted.keySet(), seen);
                assertEquals(REPLICAS * NOTES, count(held.get(r)), "no note replaced another");
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
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM note")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static SessionFactory sessionFactory(String url) {
        return new Configuration()
                .addAnnotatedClass(Note.class)
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect")
                .setProperty("hibernate.hbm2ddl.auto", "none")
                .buildSessionFactory();
    }
}
