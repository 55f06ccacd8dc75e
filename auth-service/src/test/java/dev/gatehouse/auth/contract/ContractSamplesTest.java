package dev.gatehouse.auth.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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

    /**
     * The durations of the pod environment (contracts/auth-pod-environment.properties), by the
     * properties they bind to (GatehousePropertiesTest shows the environment keys bind to these).
     */
    private static final Map<String, String> DURATIONS = Map.of(
            "GATEHOUSE_REDIS_POOL_ACQUIRETIMEOUT", "gatehouse.redis.pool.acquire-timeout",
            "GATEHOUSE_REDIS_POOL_HEALTHCHECKINTERVAL", "gatehouse.redis.pool.health-check-interval",
            "GATEHOUSE_JWT_ACCESSTOKENTTL", "gatehouse.jwt.access-token-ttl",
            "GATEHOUSE_JWT_REFRESHTOKENTTL", "gatehouse.jwt.refresh-token-ttl");

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
        assertThat(durationsBound(sample)).hasSize(DURATIONS.size()).containsOnly(Duration.parse(meaning));
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

    /**
     * {@code value} bound as each duration property the operator sets is bound: Spring Boot's binder
     * and conversion service, the properties' records carrying no unit or format of their own. Each
     * property alone, not through the records: bound into GatehouseProperties, the records came back
     * unbound when the fuzz tests (their Jazzer agent) had run before in the same JVM, in a full
     * build only; cause not found.
     */
    private static List<Duration> durationsBound(String value) {
        assertThat(Contracts.properties("auth-pod-environment.properties")).as("the operator sets these durations")
                .containsKeys(DURATIONS.keySet().toArray(String[]::new));
        return DURATIONS.values().stream()
                .map(property -> new Binder(new MapConfigurationPropertySource(Map.of(property, value)))
                        .bind(property, Duration.class).get())
                .toList();
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
