package io.syncsqlite.spring;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * Makes {@code spring.datasource.url=jdbc:syncsqlite:…} all an application has to set. Spring Boot derives the driver
 * class from the URL's prefix and knows none for {@code jdbc:syncsqlite:} ("Failed to determine a suitable driver
 * class"); this supplies it, and Hibernate's community SQLite dialect when that is on the classpath. Both are defaults:
 * the application's own settings win. Every {@code syncsqlite.<key>} property becomes the driver setting
 * {@code sync.<key>}, handed to the driver as a connection property (not in the URL, so a token set this way is not
 * part of any logged URL).
 */
public final class SyncsqliteEnvironmentPostProcessor implements EnvironmentPostProcessor {
    static final String PREFIX = "syncsqlite.";
    static final String DRIVER = "io.syncsqlite.SyncDriver";
    static final String SQLITE_DIALECT = "org.hibernate.community.dialect.SQLiteDialect";
    /** Where Spring Boot's HikariCP data source takes the properties it passes to {@code Driver.connect}. */
    static final String CONNECTION_PROPERTIES = "spring.datasource.hikari.data-source-properties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty("spring.datasource.url");
        if (url == null || !url.startsWith("jdbc:syncsqlite:")) return;
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("spring.datasource.driver-class-name", DRIVER);
        if (ClassUtils.isPresent(SQLITE_DIALECT, application.getClassLoader())) defaults.put("spring.jpa.database-platform", SQLITE_DIALECT);
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> e)) continue;
            for (String name : e.getPropertyNames()) {
                if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
                    // brackets: the key is "sync.<key>" as it is, not a nested path
                    defaults.putIfAbsent(CONNECTION_PROPERTIES + "[sync." + name.substring(PREFIX.length()) + "]", environment.getProperty(name));
                }
            }
        }
        environment.getPropertySources().addLast(new MapPropertySource("syncsqlite", defaults));
    }
}
