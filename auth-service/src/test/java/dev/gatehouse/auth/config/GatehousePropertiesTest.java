package dev.gatehouse.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.Contracts;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

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

    /** contracts/auth-pod-environment.properties: what the operator sets, with example values. */
    private static Map<String, Object> operatorEnvironment() {
        return Contracts.properties("auth-pod-environment.properties");
    }

    @Test
    void everyKeyTheOperatorSetsBindsToAProperty() {
        Map<String, Object> env = operatorEnvironment();
        Set<String> bound = new TreeSet<>();
        BindHandler recording = new AbstractBindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                bound.add(name.toString().replace("-", ""));
                return result;
            }
        };
        Binder binder = new Binder(ConfigurationPropertySources.from(new SystemEnvironmentPropertySource("test-systemEnvironment", env)));
        binder.bind("gatehouse", Bindable.of(GatehouseProperties.class), recording);
        binder.bind("server.port", Bindable.of(Integer.class), recording);

        env.keySet().stream().filter(key -> !key.equals("JAVA_TOOL_OPTIONS")).forEach(key ->
                assertThat(bound).as(key + " binds to a property").contains(key.toLowerCase(Locale.ROOT).replace('_', '.')));
    }

    @Test
    void theOperatorsValuesBindAsTheyMean() {
        Map<String, Object> env = operatorEnvironment();
        runner.withInitializer(context -> context.getEnvironment().getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", env)))
                .run(context -> {
                    GatehouseProperties properties = context.getBean(GatehouseProperties.class);
                    assertThat(properties.redis().passwordFile()).hasToString((String) env.get("GATEHOUSE_REDIS_PASSWORDFILE"));
                    assertThat(properties.redis().pool().maxConnections()).isEqualTo(32);
                    assertThat(properties.redis().pool().maxPendingAcquires()).isEqualTo(500);
                    assertThat(properties.redis().pool().acquireTimeout()).hasSeconds(3);
                    assertThat(properties.redis().pool().healthCheckInterval()).hasSeconds(10);
                    assertThat(properties.jwt().audiences()).containsExactly("storefront-api", "orders-api");
                    assertThat(properties.jwt().algorithm()).isEqualTo(JwtAlgorithm.RS256);
                    assertThat(properties.jwt().accessTokenTtl()).hasMinutes(5);
                    assertThat(properties.jwt().keysDir()).hasToString((String) env.get("GATEHOUSE_JWT_KEYSDIR"));
                    assertThat(properties.admin().tokenFile()).hasToString((String) env.get("GATEHOUSE_ADMIN_TOKENFILE"));
                    // The operator joins the Sentinels with commas; they must bind as a list of host:port.
                    assertThat(properties.redis().sentinel().nodes())
                            .containsExactly(((String) env.get("GATEHOUSE_REDIS_SENTINEL_NODES")).split(","));
                    assertThat(properties.redis().sentinel().master()).isEqualTo("shop-redis");
                    assertThat(properties.redis().sentinel().passwordFile())
                            .hasToString((String) env.get("GATEHOUSE_REDIS_SENTINEL_PASSWORDFILE"));
                    assertThat(properties.redis().replicaAcks()).isEqualTo(1);
                    assertThat(properties.redis().tls()).isTrue();
                    assertThat(properties.redis().tlsCaFile()).hasToString((String) env.get("GATEHOUSE_REDIS_TLSCAFILE"));
                });
    }

    /** One place for a default: the CRD's schema. The service's own, for a pod run by hand, must agree. */
    @Test
    @SuppressWarnings("unchecked")
    void theServicesDefaultsAreTheCrdsDefaults() throws IOException {
        Map<String, Object> crd;
        try (Reader reader = Files.newBufferedReader(Path.of("..", "crds", "authservices.gatehouse.dev-v1.yml"))) {
            crd = new Yaml().load(reader);
        }
        Map<String, Object> spec = (Map<String, Object>) at(crd, "spec", "versions", 0, "schema", "openAPIV3Schema",
                "properties", "spec", "properties");
        Function<String, Object> pool = field -> at(spec, "redis", "properties", "pool", "properties", field, "default");
        Function<String, Object> jwt = field -> at(spec, "jwt", "properties", field, "default");
        runner.run(context -> {
            PoolProperties poolDefaults = context.getBean(GatehouseProperties.class).redis().pool();
            JwtProperties jwtDefaults = context.getBean(GatehouseProperties.class).jwt();
            assertThat(poolDefaults.maxConnections()).isEqualTo(pool.apply("maxConnections"));
            assertThat(poolDefaults.minIdle()).isEqualTo(pool.apply("minIdle"));
            assertThat(poolDefaults.maxPendingAcquires()).isEqualTo(pool.apply("maxPendingAcquires"));
            assertThat(poolDefaults.acquireTimeout()).isEqualTo(DurationStyle.detectAndParse((String) pool.apply("acquireTimeout")));
            assertThat(poolDefaults.healthCheckInterval())
                    .isEqualTo(DurationStyle.detectAndParse((String) pool.apply("healthCheckInterval")));
            assertThat(jwtDefaults.algorithm().name()).isEqualTo(jwt.apply("algorithm"));
            assertThat(jwtDefaults.accessTokenTtl()).isEqualTo(DurationStyle.detectAndParse((String) jwt.apply("accessTokenTtl")));
            assertThat(jwtDefaults.refreshTokenTtl()).isEqualTo(DurationStyle.detectAndParse((String) jwt.apply("refreshTokenTtl")));
        });
    }

    /** The value at a path of maps and lists; a path the CRD no longer has fails with its name. */
    @SuppressWarnings("unchecked")
    private static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            current = step instanceof Integer index ? ((List<Object>) current).get(index) : ((Map<String, Object>) current).get(step);
            assertThat(current).as("CRD path " + Arrays.toString(path) + " at " + step).isNotNull();
        }
        return current;
    }

    @Test
    void refusesAnUnboundedClockSkewAndAMinIdleAboveMax() {
        runner.withPropertyValues("gatehouse.jwt.clock-skew=10m").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("clock-skew"));
        runner.withPropertyValues("gatehouse.redis.pool.min-idle=20", "gatehouse.redis.pool.max-connections=10")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("min-idle"));
    }

    @Test
    void refusesARedisCaFileWithoutTls() {
        runner.withPropertyValues("gatehouse.redis.tls-ca-file=/ca/ca.crt").run(context ->
                assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("gatehouse.redis.tls-ca-file is set but gatehouse.redis.tls is false"));
        runner.withPropertyValues("gatehouse.redis.tls-ca-file=/ca/ca.crt", "gatehouse.redis.tls=true").run(context ->
                assertThat(context.getBean(GatehouseProperties.class).redis().tlsCaFile()).isEqualTo(Path.of("/ca/ca.crt")));
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
