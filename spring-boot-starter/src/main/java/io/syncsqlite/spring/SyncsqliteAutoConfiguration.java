package io.syncsqlite.spring;

import io.syncsqlite.SyncConnection;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Beans for an application whose data source is {@code jdbc:syncsqlite:}: the {@code syncsqlite} health indicator
 * where Spring Boot's health support is present. (The driver class and {@code syncsqlite.*} settings come from
 * {@link SyncsqliteEnvironmentPostProcessor}; the metrics are the driver's own Micrometer meters, in the global
 * registry Spring Boot's registry joins.)
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(SyncConnection.class)
@Conditional(SyncsqliteAutoConfiguration.SyncsqliteUrl.class)
public class SyncsqliteAutoConfiguration {
    /** The application's data source URL is a {@code jdbc:syncsqlite:} one. */
    static final class SyncsqliteUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url != null && url.startsWith("jdbc:syncsqlite:");
        }
    }

    /** Registered only where {@code spring-boot-health} is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnBean(DataSource.class)
    static class Health {
        @Bean(name = "syncsqliteHealthIndicator")
        @ConditionalOnMissingBean(name = "syncsqliteHealthIndicator")
        SyncsqliteHealthIndicator syncsqliteHealthIndicator(DataSource dataSource) {
            return new SyncsqliteHealthIndicator(dataSource);
        }
    }
}
