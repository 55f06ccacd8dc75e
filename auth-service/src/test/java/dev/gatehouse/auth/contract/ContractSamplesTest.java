package dev.gatehouse.auth.contract;

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
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
