package dev.gatehouse.auth.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.JwtAlgorithm;
import dev.gatehouse.auth.grant.ClientRegistry;
import dev.gatehouse.auth.support.Contracts;
import dev.gatehouse.auth.token.JcaProviders;
import dev.gatehouse.auth.token.KeyRing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The samples of contracts/ as the pods read them. The operator's SecretContentTest reads the same
 * files: what it lets through must start a pod, and what it stops must be refused here.
 */
class ContractSamplesTest {

    private static final Path CONTRACT = Contracts.path("");
    private static final JcaProviders PROVIDERS = new JcaProviders();

    static Stream<String> signingKeys() throws IOException {
        return samples("signing-keys");
    }

    static Stream<String> clients() throws IOException {
        return samples("clients");
    }

    @ParameterizedTest(name = "signing-keys/{0}")
    @MethodSource("signingKeys")
    void keyRingLoadsTheValidSamplesAndRefusesTheOthers(String sample) {
        Path directory = CONTRACT.resolve("signing-keys").resolve(sample);
        JwtAlgorithm algorithm = JwtAlgorithm.valueOf(sample.substring(0, sample.indexOf('-')).toUpperCase(Locale.ROOT));
        if (valid(sample)) {
            assertThatCode(() -> new KeyRing(directory, algorithm, PROVIDERS)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> new KeyRing(directory, algorithm, PROVIDERS)).isInstanceOf(RuntimeException.class);
        }
    }

    @ParameterizedTest(name = "clients/{0}")
    @MethodSource("clients")
    void clientRegistryLoadsTheValidSamplesAndRefusesTheOthers(String sample) {
        Path file = CONTRACT.resolve("clients").resolve(sample);
        if (valid(sample)) {
            assertThatCode(() -> new ClientRegistry(file)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> new ClientRegistry(file)).isInstanceOf(RuntimeException.class);
        }
    }

    /** contracts/jwt-algorithms.txt: the operator's CRD enum holds the same values, in the same order. */
    @Test
    void theAlgorithmsAreTheCrdsAlgorithms() throws IOException {
        assertThat(Arrays.stream(JwtAlgorithm.values()).map(Enum::name)).containsExactlyElementsOf(
                Files.readAllLines(CONTRACT.resolve("jwt-algorithms.txt")).stream()
                        .filter(line -> !line.isBlank() && !line.startsWith("#")).toList());
    }

    /** The durations of the pod environment (contracts/auth-pod-environment.properties). */
    private static final List<String> DURATION_KEYS = List.of("GATEHOUSE_REDIS_POOL_ACQUIRETIMEOUT",
            "GATEHOUSE_REDIS_POOL_HEALTHCHECKINTERVAL", "GATEHOUSE_JWT_ACCESSTOKENTTL", "GATEHOUSE_JWT_REFRESHTOKENTTL");

    static Stream<Arguments> validDurations() {
        return Contracts.properties("durations", "valid.properties").entrySet().stream()
                .map(sample -> Arguments.of(sample.getKey(), sample.getValue()));
    }

    static Stream<Arguments> invalidDurations() {
        return Contracts.properties("durations", "invalid.properties").entrySet().stream()
                .map(sample -> Arguments.of(sample.getKey(), sample.getValue()));
    }

    /** What the CRD accepts, in every duration the operator sets, is read as what it means. */
    @ParameterizedTest(name = "durations/valid.properties: {0}")
    @MethodSource("validDurations")
    void everyDurationTheCrdAcceptsIsReadAsItsValue(String sample, String meaning) {
        assertThat(meaning).as("the sample says what it means").isNotEmpty();
        assertThat(durationsBound(sample)).hasSize(DURATION_KEYS.size()).containsOnly(Duration.parse(meaning));
    }

    /**
     * What the CRD refuses, the service refuses too, unless the sample names the value the service
     * reads it as: Spring Boot's wider grammar, kept for a service run by hand (see the file).
     */
    @ParameterizedTest(name = "durations/invalid.properties: {0}")
    @MethodSource("invalidDurations")
    void aDurationTheCrdRefusesIsRefusedOrReadAsTheSampleSays(String sample, String serviceReading) {
        if (serviceReading.isEmpty()) {
            assertThatThrownBy(() -> durationsBound(sample)).isInstanceOf(BindException.class);
        } else {
            assertThat(durationsBound(sample)).containsOnly(Duration.parse(serviceReading));
        }
    }

    /** The pod environment of the contract with every duration set to {@code value}, bound as a pod binds it. */
    private static List<Duration> durationsBound(String value) {
        Map<String, Object> env = Contracts.properties("auth-pod-environment.properties");
        assertThat(env).as("the operator sets these durations").containsKeys(DURATION_KEYS.toArray(String[]::new));
        DURATION_KEYS.forEach(key -> env.put(key, value));
        GatehouseProperties properties = new Binder(ConfigurationPropertySources.from(
                new SystemEnvironmentPropertySource("test-systemEnvironment", env)))
                .bind("gatehouse", GatehouseProperties.class).get();
        return List.of(properties.redis().pool().acquireTimeout(), properties.redis().pool().healthCheckInterval(),
                properties.jwt().accessTokenTtl(), properties.jwt().refreshTokenTtl());
    }

    /** {@code es256-valid-rotation}, {@code valid-no-scopes.yaml}; never {@code invalid-…}. */
    private static boolean valid(String sample) {
        return List.of(sample.split("[-.]")).contains("valid");
    }

    private static Stream<String> samples(String folder) throws IOException {
        try (Stream<Path> entries = Files.list(CONTRACT.resolve(folder))) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList().stream();
        }
    }
}
