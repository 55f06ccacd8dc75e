package dev.gatehouse.operator.secrets;

import static dev.gatehouse.operator.support.ContractSamples.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.ExternalRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import dev.gatehouse.operator.api.v1alpha1.SecretKeyReference;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.api.v1alpha1.SentinelNode;
import dev.gatehouse.operator.api.v1alpha1.SentinelSpec;
import dev.gatehouse.operator.api.v1alpha1.TlsSpec;
import dev.gatehouse.operator.dependent.CachedSecrets;
import dev.gatehouse.operator.support.ContractSamples;
import dev.gatehouse.operator.support.SamplesIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The operator's check of the Secrets users reference, on the samples of contracts/ that the auth
 * service's ContractSamplesTest loads the same way: a sample the pods accept has no problem here,
 * one they refuse has a problem naming the Secret and the key, and no message holds key material.
 */
class SecretContentTest {

  private static final Pattern HASH = Pattern.compile("\\$(2[aby]|argon2id)\\$[^\"\\s]+");
  private static final Path CONTRACT = ContractSamples.DIRECTORY;

  @ParameterizedTest(name = "signing-keys/{0}")
  @SamplesIn("signing-keys")
  void signingKeySamplesAreJudgedAsTheAuthServiceJudgesThem(String sample) {
    Map<String, String> entries = entries(CONTRACT.resolve("signing-keys").resolve(sample));
    AuthService primary = AuthServices.example("production.yaml");
    primary.getSpec().getJwt().setAlgorithm(
        JwtAlgorithm.valueOf(sample.substring(0, sample.indexOf('-')).toUpperCase(Locale.ROOT)));
    primary.getSpec().getJwt().setSigningKeySecretRef(new SecretReference("user-keys"));

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary,
        soundOtherSecrets().with("user-keys", entries).context());

    assertJudged(sample, problems, entries, refused -> refused.isNotEmpty().allSatisfy(problem -> {
      assertThat(problem.reason()).isIn("SecretInvalid", "SecretKeyMissing");
      assertThat(problem.message()).startsWith("Secret user-keys");
    }));
  }

  @ParameterizedTest(name = "tls/{0}")
  @SamplesIn("tls")
  void tlsSamplesAreJudgedAsTheAuthServiceJudgesThem(String sample) {
    Map<String, String> entries = entries(CONTRACT.resolve("tls").resolve(sample));
    AuthService primary = AuthServices.example("production.yaml");
    primary.getSpec().setTls(new TlsSpec(new SecretReference("auth-tls")));

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary,
        soundOtherSecrets().with("auth-tls", entries).context());

    assertJudged(sample, problems, entries, refused -> refused.singleElement().satisfies(problem -> {
      assertThat(problem.reason()).isEqualTo("SecretInvalid");
      assertThat(problem.message()).startsWith("Secret auth-tls, key tls.");
    }));
  }

  @Test
  void aTlsSecretWithoutItsKeysIsNamed() {
    AuthService primary = AuthServices.example("production.yaml");
    primary.getSpec().setTls(new TlsSpec(new SecretReference("auth-tls")));
    CachedSecrets secrets = soundOtherSecrets();

    assertThat(PodSecrets.of(primary).problems(primary, secrets.context()))
        .extracting(SecretProblem::reason, SecretProblem::message)
        .containsExactly(tuple("SecretMissing",
            "Secret auth-tls (spec.tls.secretRef) does not exist in namespace shop"));
    assertThat(PodSecrets.of(primary).problems(primary,
        secrets.with("auth-tls", Map.of("ca.crt", "x")).context()))
        .extracting(SecretProblem::message)
        .containsExactly("Secret auth-tls has no key tls.crt (spec.tls.secretRef)");
    assertThat(PodSecrets.of(primary).referencedByUser()).contains("auth-tls");
  }

  @ParameterizedTest(name = "redis-ca/{0}")
  @SamplesIn("redis-ca")
  void redisCaSamplesAreJudgedAsTheAuthServiceJudgesThem(String sample) {
    String bundle = ContractSamples.read("redis-ca/" + sample);
    AuthService primary = withRedisCa(AuthServices.example("production.yaml"));

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary,
        soundOtherSecrets().with("redis-ca", Map.of("ca.crt", bundle)).context());

    assertJudged(sample, problems, Map.of("ca.crt", bundle), refused -> refused.singleElement().satisfies(problem -> {
      assertThat(problem.reason()).isEqualTo("SecretInvalid");
      assertThat(problem.message()).startsWith("Secret redis-ca, key ca.crt: the Redis CA bundle holds ");
    }));
  }

  @Test
  void aMissingRedisCaSecretOrKeyIsNamed() {
    AuthService primary = withRedisCa(AuthServices.example("production.yaml"));
    assertThat(PodSecrets.of(primary).referencedByUser()).contains("redis-ca");

    assertThat(PodSecrets.of(primary).problems(primary, soundOtherSecrets().context()))
        .extracting(SecretProblem::reason, SecretProblem::message)
        .containsExactly(tuple("SecretMissing",
            "Secret redis-ca (spec.redis.external.caSecretRef) does not exist in namespace shop"));
    assertThat(PodSecrets.of(primary).problems(primary,
        soundOtherSecrets().with("redis-ca", Map.of("tls.crt", "x")).context()))
        .extracting(SecretProblem::reason, SecretProblem::message)
        .containsExactly(tuple("SecretKeyMissing",
            "Secret redis-ca has no key ca.crt (spec.redis.external.caSecretRef)"));
  }

  private static AuthService withRedisCa(AuthService primary) {
    primary.getSpec().getRedis().getExternal().setTls(true);
    primary.getSpec().getRedis().getExternal().setCaSecretRef(new SecretKeyReference("redis-ca", "ca.crt"));
    return primary;
  }

  @ParameterizedTest(name = "clients/{0}")
  @SamplesIn("clients")
  void clientsSamplesAreJudgedAsTheAuthServiceJudgesThem(String sample) throws IOException {
    byte[] bytes = Files.readAllBytes(CONTRACT.resolve("clients").resolve(sample));
    String file = new String(bytes, StandardCharsets.UTF_8);
    AuthService primary = AuthServices.example("production.yaml");

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary, new CachedSecrets()
        .with("redis-credentials", Map.of("password", "pw"))
        .withBytes("auth-prod-clients", Map.of("clients.yaml", bytes))
        .context());

    assertJudged(sample, problems, Map.of("clients.yaml", file), refused -> refused.singleElement()
        .satisfies(problem -> {
          assertThat(problem.reason()).isEqualTo("SecretInvalid");
          assertThat(problem.message()).startsWith("Secret auth-prod-clients, key clients.yaml: ");
        }));
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

  /** production.yaml's Redis behind Sentinels whose own password is in another Secret. */
  private static AuthService behindSentinel() {
    AuthService primary = AuthServices.example("production.yaml");
    ExternalRedisSpec external = primary.getSpec().getRedis().getExternal();
    external.setHost(null);
    SentinelSpec sentinel =
        new SentinelSpec("shop-redis", List.of(new SentinelNode("sentinel-0.data.svc", 26379)));
    sentinel.setPasswordSecretRef(new SecretKeyReference("sentinel-credentials", "sentinel-pw"));
    external.setSentinel(sentinel);
    return primary;
  }

  @Test
  void theSentinelPasswordIsAReferencedSecretCheckedLikeTheRedisPassword() {
    AuthService primary = behindSentinel();
    PodSecrets secrets = PodSecrets.of(primary);
    assertThat(secrets.referencedByUser()).contains("redis-credentials", "sentinel-credentials");

    assertThat(secrets.problems(primary, soundOtherSecrets().context())).singleElement().satisfies(problem -> {
      assertThat(problem.reason()).isEqualTo("SecretMissing");
      assertThat(problem.message()).isEqualTo("Secret sentinel-credentials"
          + " (spec.redis.external.sentinel.passwordSecretRef) does not exist in namespace shop");
    });
    assertThat(secrets.problems(primary, soundOtherSecrets()
        .with("sentinel-credentials", Map.of("password", "pw")).context()))
        .extracting(SecretProblem::reason, SecretProblem::message)
        .containsExactly(tuple("SecretKeyMissing",
            "Secret sentinel-credentials has no key sentinel-pw"
                + " (spec.redis.external.sentinel.passwordSecretRef)"));
    assertThat(secrets.problems(primary, soundOtherSecrets()
        .with("sentinel-credentials", Map.of("sentinel-pw", "\n")).context()))
        .extracting(SecretProblem::message).containsExactly(
            "Secret sentinel-credentials, key sentinel-pw: the Sentinel password is empty");
    assertThat(secrets.problems(primary, soundOtherSecrets()
        .withBytes("sentinel-credentials", Map.of("sentinel-pw", new byte[] {(byte) 0xff})).context()))
        .extracting(SecretProblem::message).containsExactly(
            "Secret sentinel-credentials, key sentinel-pw: the Sentinel password is not UTF-8 text");
    assertThat(secrets.problems(primary, soundOtherSecrets()
        .with("sentinel-credentials", Map.of("sentinel-pw", "sentinel-pw-value\n")).context()))
        .isEmpty();
  }

  /** The other Secrets production.yaml (and behindSentinel()) reads, sound. */
  private static CachedSecrets soundOtherSecrets() {
    return new CachedSecrets()
        .with("redis-credentials", Map.of("password", "pw"))
        .with("auth-prod-clients", Map.of("clients.yaml", "clients: []\n"));
  }

  @Test
  void aSentinelSetWithoutItsOwnPasswordReferencesNoOtherSecret() {
    AuthService primary = behindSentinel();
    primary.getSpec().getRedis().getExternal().getSentinel().setPasswordSecretRef(null);

    assertThat(PodSecrets.of(primary).referencedByUser()).doesNotContain("sentinel-credentials");
    assertThat(PodSecrets.of(primary).problems(primary, soundOtherSecrets().context())).isEmpty();
  }

  @Test
  void anActiveKidThatLooksLikeKeyMaterialIsNotRepeated() {
    AuthService primary = AuthServices.example("production.yaml");
    primary.getSpec().getJwt().setAlgorithm(JwtAlgorithm.ES256);
    primary.getSpec().getJwt().setSigningKeySecretRef(new SecretReference("user-keys"));
    Map<String, String> keys = new TreeMap<>(entries(CONTRACT.resolve("signing-keys/es256-valid")));
    String pasted = keys.get("sample-2026.pem");
    keys.put("active-kid", pasted);

    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary,
        soundOtherSecrets().with("user-keys", keys).context());

    assertThat(problems).singleElement().satisfies(problem -> {
      assertThat(problem.message()).contains("active-kid: does not name a key");
      assertNoMaterial(problem.message(), keys);
    });
  }

  /**
   * The verdict on a sample, as the pods give it: one they accept has no problem here; of one they
   * refuse, {@code refused} holds of the problems, and no problem repeats the sample's material.
   */
  private static void assertJudged(String sample, List<SecretProblem> problems,
      Map<String, String> material, Consumer<ListAssert<SecretProblem>> refused) {
    if (valid(sample)) {
      assertThat(problems).isEmpty();
    } else {
      refused.accept(assertThat(problems));
      problems.forEach(problem -> assertNoMaterial(problem.message(), material));
    }
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
}
