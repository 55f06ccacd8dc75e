package dev.gatehouse.operator.dependent;

import static dev.gatehouse.operator.support.ContractSamples.entries;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.support.ContractSamples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's check of the Secrets users reference, on the samples of contracts/ that the auth
 * service's ContractSamplesTest loads the same way: a sample the pods accept has no problem here,
 * one they refuse has a problem naming the Secret and the key, and no message holds key material.
 */
class SecretContentTest {

  private static final Pattern HASH = Pattern.compile("\\$(2[aby]|argon2id)\\$[^\"\\s]+");
  private static final Path CONTRACT = ContractSamples.DIRECTORY;

  static Stream<String> signingKeys() throws IOException {
    return samples("signing-keys");
  }

  static Stream<String> clients() throws IOException {
    return samples("clients");
  }

  @ParameterizedTest(name = "signing-keys/{0}")
  @MethodSource("signingKeys")
  void signingKeySamplesAreJudgedAsTheAuthServiceJudgesThem(String sample) {
    Map<String, String> entries = entries(CONTRACT.resolve("signing-keys").resolve(sample));
    AuthService primary = AuthServices.example("production.yaml");
    primary.getSpec().getJwt().setAlgorithm(
        JwtAlgorithm.valueOf(sample.substring(0, sample.indexOf('-')).toUpperCase(Locale.ROOT)));
    primary.getSpec().getJwt().setSigningKeySecretRef(new SecretReference("user-keys"));

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary, new CachedSecrets()
        .with("redis-credentials", Map.of("password", "pw"))
        .with("auth-prod-clients", Map.of("clients.yaml", "clients: []\n"))
        .with("user-keys", entries)
        .context());

    if (valid(sample)) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).isNotEmpty().allSatisfy(problem -> {
        assertThat(problem.reason()).isIn("SecretInvalid", "SecretKeyMissing");
        assertThat(problem.message()).startsWith("Secret user-keys");
        assertNoMaterial(problem.message(), entries);
      });
    }
  }

  @ParameterizedTest(name = "clients/{0}")
  @MethodSource("clients")
  void clientsSamplesAreJudgedAsTheAuthServiceJudgesThem(String sample) throws IOException {
    byte[] bytes = Files.readAllBytes(CONTRACT.resolve("clients").resolve(sample));
    String file = new String(bytes, StandardCharsets.UTF_8);
    AuthService primary = AuthServices.example("production.yaml");

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary, new CachedSecrets()
        .with("redis-credentials", Map.of("password", "pw"))
        .withBytes("auth-prod-clients", Map.of("clients.yaml", bytes))
        .context());

    if (valid(sample)) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).singleElement().satisfies(problem -> {
        assertThat(problem.reason()).isEqualTo("SecretInvalid");
        assertThat(problem.message()).startsWith("Secret auth-prod-clients, key clients.yaml: ");
        assertNoMaterial(problem.message(), Map.of("clients.yaml", file));
      });
    }
  }

  @Test
  void eachProblemSaysWhichKeyAndWhatIsWrong() {
    AuthService primary = AuthServices.example("production.yaml");
    primary.getSpec().getJwt().setAlgorithm(JwtAlgorithm.ES256);
    primary.getSpec().getJwt().setSigningKeySecretRef(new SecretReference("user-keys"));
    Map<String, String> keys = new TreeMap<>(
        entries(CONTRACT.resolve("signing-keys/es256-invalid-active-kid-names-no-key")));
    keys.put("sample.pem", entries(CONTRACT.resolve("signing-keys/es256-invalid-sec1-key")).get("sample.pem"));

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary, new CachedSecrets()
        .with("redis-credentials", Map.of("password", "\n"))
        .with("auth-prod-clients", Map.of("clients.yaml", "clients: [web]\n"))
        .with("user-keys", keys)
        .context());

    assertThat(problems).extracting(SecretProblem::message).containsExactly(
        "Secret redis-credentials, key password: the Redis password is empty",
        "Secret user-keys, key sample.pem: the key is not PKCS#8: convert it with"
            + " `openssl pkcs8 -topk8 -nocrypt`",
        "Secret user-keys, key active-kid: names sample-2025 but there is no key sample-2025.pem"
            + " (keys ending in .pem: sample.pem, sample-2026.pem)",
        "Secret auth-prod-clients, key clients.yaml: client 1 is not a mapping of id, secret-hash,"
            + " grant-types and scopes");
  }

  @Test
  void aRedisPasswordThePodsCannotReadAsTextIsRefused() {
    AuthService primary = AuthServices.example("production.yaml");

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary, new CachedSecrets()
        .withBytes("redis-credentials", Map.of("password", new byte[] {'p', (byte) 0xe9, 'w'}))
        .with("auth-prod-clients", Map.of("clients.yaml", "clients: []\n"))
        .context());

    assertThat(problems).extracting(SecretProblem::message).containsExactly(
        "Secret redis-credentials, key password: the Redis password is not UTF-8 text");
  }

  @Test
  void anActiveKidThatLooksLikeKeyMaterialIsNotRepeated() {
    AuthService primary = AuthServices.example("production.yaml");
    primary.getSpec().getJwt().setAlgorithm(JwtAlgorithm.ES256);
    primary.getSpec().getJwt().setSigningKeySecretRef(new SecretReference("user-keys"));
    Map<String, String> keys = new TreeMap<>(entries(CONTRACT.resolve("signing-keys/es256-valid")));
    String pasted = keys.get("sample-2026.pem");
    keys.put("active-kid", pasted);

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary, new CachedSecrets()
        .with("redis-credentials", Map.of("password", "pw"))
        .with("auth-prod-clients", Map.of("clients.yaml", "clients: []\n"))
        .with("user-keys", keys)
        .context());

    assertThat(problems).singleElement().satisfies(problem -> {
      assertThat(problem.message()).contains("active-kid: does not name a key");
      assertNoMaterial(problem.message(), keys);
    });
  }

  /** No key's base64 line, no secret hash, no whole entry appears in the message. */
  private static void assertNoMaterial(String message, Map<String, String> entries) {
    entries.values().forEach(value -> {
      value.lines().map(String::strip)
          .filter(line -> line.length() >= 16 && !line.startsWith("-----") && !line.contains(" "))
          .forEach(line -> assertThat(message).doesNotContain(line));
      HASH.matcher(value).results().forEach(hash -> assertThat(message).doesNotContain(hash.group()));
    });
  }

  private static boolean valid(String sample) {
    return List.of(sample.split("[-.]")).contains("valid");
  }

  private static Stream<String> samples(String folder) throws IOException {
    try (Stream<Path> entries = Files.list(CONTRACT.resolve(folder))) {
      return entries.map(path -> path.getFileName().toString()).sorted().toList().stream();
    }
  }
}
