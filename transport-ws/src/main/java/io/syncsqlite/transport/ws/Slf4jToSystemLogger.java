package io.syncsqlite.transport.ws;

import java.util.ServiceLoader;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Java-WebSocket logs through SLF4J. In an application without an SLF4J provider, SLF4J would print a "no providers"
 * notice on the console and drop those lines; this provider sends them to {@link System.Logger} instead, where the
 * driver's own lines go (docs/configuration.md, "Logging"). It is chosen only when no other provider is present, and
 * never registered as a service, so an application's own SLF4J set-up always wins and no "multiple providers"
 * notice appears either.
 */
public final class Slf4jToSystemLogger implements SLF4JServiceProvider {
    private static boolean checked;

    private ILoggerFactory loggers;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Binds SLF4J to this provider unless the application has one (or chose one): call before Java-WebSocket logs. */
    static synchronized void useUnlessTheApplicationHasAProvider() {
        if (checked) return;
        checked = true;
        ClassLoader slf4j = LoggerFactory.class.getClassLoader();
        if (System.getProperty("slf4j.provider") != null || ServiceLoader.load(SLF4JServiceProvider.class, slf4j).iterator().hasNext()
                || slf4j.getResource("org/slf4j/impl/StaticLoggerBinder.class") != null) {
            return;
        }
        // SLF4J reads both once, while it initialises: the choice is made now and nothing stays set for anyone else
        String verbosity = System.getProperty("slf4j.internal.verbosity");
        System.setProperty("slf4j.provider", Slf4jToSystemLogger.class.getName());
        System.setProperty("slf4j.internal.verbosity", "WARN"); // no "attempting to load provider" line either
        try {
            LoggerFactory.getILoggerFactory();
        } finally {
            System.clearProperty("slf4j.provider");
            if (verbosity == null) System.clearProperty("slf4j.internal.verbosity");
            else System.setProperty("slf4j.internal.verbosity", verbosity);
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        loggers = SystemLoggerAdapter::new;
    }

    /** One SLF4J logger writing to the {@link System.Logger} of the same name. */
    private static final class SystemLoggerAdapter extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient System.Logger target;

        SystemLoggerAdapter(String name) {
            this.name = name;
            this.target = System.getLogger(name);
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        private boolean enabled(Level level) {
            return target.isLoggable(level(level));
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
            target.log(level(level), MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
        }

        /** The {@link System.Logger} level of an SLF4J level. */
        private static System.Logger.Level level(Level level) {
            return switch (level) {
                case TRACE -> System.Logger.Level.TRACE;
                case DEBUG -> System.Logger.Level.DEBUG;
                case INFO -> System.Logger.Level.INFO;
                case WARN -> System.Logger.Level.WARNING;
                case ERROR -> System.Logger.Level.ERROR;
            };
        }
    }
}
