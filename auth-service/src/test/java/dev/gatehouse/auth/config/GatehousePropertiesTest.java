package dev.gatehouse.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Start-up validation: a broken setting stops the pod with a message naming the property. */
class GatehousePropertiesTest {

    @Configuration
    @EnableConfigurationProperties(GatehouseProperties.class)
    static class Bind {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bind.class)
            .withPropertyValues(
                    "gatehouse.clients-file=/clients.yaml",
                    "gatehouse.jwt.issuer=https://issuer",
                    "gatehouse.jwt.audiences=a,b",
                    "gatehouse.jwt.keys-dir=/keys",
                    "gatehouse.redis.host=redis");

    @Test
    void bindsTheOperatorsSettingsWithDefaults() {
        runner.run(context -> {
            GatehouseProperties properties = context.getBean(GatehouseProperties.class);
            assertThat(properties.jwt().audiences()).containsExactly("a", "b");
            assertThat(properties.jwt().algorithm()).isEqualTo(JwtAlgorithm.ES256);
            assertThat(properties.jwt().keysDir()).isEqualTo(Path.of("/keys"));
            assertThat(properties.redis().pool().healthCheckInterval()).hasSeconds(30);
            assertThat(properties.verification().whenRedisUnavailable())
                    .isEqualTo(VerificationProperties.RedisUnavailablePolicy.FAIL_CLOSED);
        });
    }

    /** The env var names of docs/auth-service-contract.md, as the operator sets them. */
    @Test
    void theContractsEnvironmentVariablesBind() {
        Map<String, Object> env = Map.of(
                "GATEHOUSE_REDIS_PASSWORDFILE", "/var/run/secrets/gatehouse/redis/password",
                "GATEHOUSE_REDIS_POOL_MAXCONNECTIONS", "32",
                "GATEHOUSE_REDIS_POOL_MAXPENDINGACQUIRES", "500",
                "GATEHOUSE_REDIS_POOL_ACQUIRETIMEOUT", "3s",
                "GATEHOUSE_REDIS_POOL_HEALTHCHECKINTERVAL", "10s",
                "GATEHOUSE_JWT_ACCESSTOKENTTL", "5m",
                "GATEHOUSE_JWT_KEYSDIR", "/var/run/secrets/gatehouse/jwt",
                "GATEHOUSE_ADMIN_TOKENFILE", "/var/run/secrets/gatehouse/admin/token");
        runner.withInitializer(context -> context.getEnvironment().getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", env)))
                .run(context -> {
                    GatehouseProperties properties = context.getBean(GatehouseProperties.class);
                    assertThat(properties.redis().passwordFile()).hasToString("/var/run/secrets/gatehouse/redis/password");
                    assertThat(properties.redis().pool().maxConnections()).isEqualTo(32);
                    assertThat(properties.redis().pool().maxPendingAcquires()).isEqualTo(500);
                    assertThat(properties.redis().pool().acquireTimeout()).hasSeconds(3);
                    assertThat(properties.redis().pool().healthCheckInterval()).hasSeconds(10);
                    assertThat(properties.jwt().accessTokenTtl()).hasMinutes(5);
                    assertThat(properties.jwt().keysDir()).hasToString("/var/run/secrets/gatehouse/jwt");
                    assertThat(properties.admin().tokenFile()).hasToString("/var/run/secrets/gatehouse/admin/token");
                });
    }

    @Test
    void refusesAnUnboundedClockSkewAndAMinIdleAboveMax() {
        runner.withPropertyValues("gatehouse.jwt.clock-skew=10m").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("clock-skew"));
        runner.withPropertyValues("gatehouse.redis.pool.min-idle=20", "gatehouse.redis.pool.max-connections=10")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("min-idle"));
    }

    @Test
    void neverPrintsTheRedisPassword() {
        runner.withPropertyValues("gatehouse.redis.password=s3cret-value").run(context -> {
            RedisProperties redis = context.getBean(GatehouseProperties.class).redis();
            assertThat(redis.resolvePassword()).containsExactly("s3cret-value".toCharArray());
            assertThat(redis.toString()).doesNotContain("s3cret-value").contains("<redacted>");
        });
    }
}
