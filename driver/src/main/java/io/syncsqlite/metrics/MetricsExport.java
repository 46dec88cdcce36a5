package io.syncsqlite.metrics;

import io.syncsqlite.SyncStatus;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Publishes one file's status as a JMX MBean and, when Micrometer is on the classpath, as meters in its global registry;
 * {@link #close()} removes both. Registering happens on the engine's thread, never in {@code connect()}: the first use
 * of JMX in a process takes tens of milliseconds.
 */
public final class MetricsExport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MetricsExport.class.getName());
    private static final boolean MICROMETER = present("io.micrometer.core.instrument.Metrics");

    /** The export each file's metrics come from now: an engine still making its final push gives way to its successor. */
    private static final java.util.Map<Path, MetricsExport> CURRENT = new java.util.HashMap<>();

    private final Path file;
    /** Held here: Micrometer keeps only weak references to what its meters read. */
    private final Supplier<SyncStatus> status;
    private ObjectName name;
    private AutoCloseable meters = () -> { };

    private MetricsExport(Path file, Supplier<SyncStatus> status) {
        this.file = file;
        this.status = status;
    }

    /** The MBean name of {@code file}: {@code io.syncsqlite:type=SyncDatabase,file="<path>"}. */
    public static ObjectName objectName(Path file) {
        try {
            return new ObjectName("io.syncsqlite:type=SyncDatabase,file=" + ObjectName.quote(file.toString()));
        } catch (JMException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Starts publishing; a failure (a name taken, no JMX) is logged and leaves the engine running. */
    public static MetricsExport start(Path file, Supplier<SyncStatus> status) {
        MetricsExport export = new MetricsExport(file, status);
        synchronized (CURRENT) {
            MetricsExport previous = CURRENT.put(file, export);
            if (previous != null) previous.unpublish();
            ObjectName name = objectName(file);
            try {
                ManagementFactory.getPlatformMBeanServer().registerMBean(new SyncDatabase(file, status), name);
                export.name = name;
            } catch (JMException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot register the JMX MBean of " + file + ": " + e, e);
            }
            if (MICROMETER) export.meters = MicrometerMeters.bind(file, status);
        }
        return export;
    }

    @Override
    public void close() {
        synchronized (CURRENT) {
            if (CURRENT.remove(file, this)) unpublish();
        }
    }

    private void unpublish() {
        try {
            if (name != null) ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            LOG.log(System.Logger.Level.DEBUG, "unregistering " + name, e);
        }
        try {
            meters.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "removing the Micrometer meters of " + file, e);
        }
        name = null;
        meters = () -> { };
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, MetricsExport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
