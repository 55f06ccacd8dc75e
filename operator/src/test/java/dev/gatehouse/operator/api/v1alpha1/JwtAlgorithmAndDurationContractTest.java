package dev.gatehouse.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The operator's side of contracts/jwt-algorithms.txt and contracts/durations/: the CRD's algorithm
 * enum is the list, and its duration pattern accepts every valid sample and refuses every invalid
 * one. The auth service's ContractSamplesTest reads the same files: each duration the CRD lets
 * through is read by the pods as the value the sample names. (The API server's own enforcement of
 * the pattern and the CEL bounds: InvalidAuthServiceIT.)
 */
class JwtAlgorithmAndDurationContractTest {

  private static final Path CONTRACTS =
      Path.of(System.getProperty("gatehouse.contracts.dir", "../contracts"));
  private static final Pattern DURATION = Pattern.compile(PoolSpec.DURATION);

  @Test
  void theAlgorithmEnumIsTheContractsList() throws IOException {
    List<String> contract = Files.readAllLines(CONTRACTS.resolve("jwt-algorithms.txt"));
    assertThat(Arrays.stream(JwtAlgorithm.values()).map(Enum::name))
        .containsExactlyElementsOf(
            contract.stream().filter(line -> !line.isBlank() && !line.startsWith("#")).toList());
  }

  @Test
  void theDurationPatternAcceptsEveryValidSample() throws IOException {
    Properties valid = samples("valid.properties");
    assertThat(valid).isNotEmpty();
    valid.forEach((sample, meaning) -> {
      assertThat(DURATION.matcher((String) sample).matches()).as("the CRD accepts %s", sample).isTrue();
      assertThat((String) meaning).as("%s names what it means", sample).isNotEmpty();
    });
  }

  @Test
  void theDurationPatternRefusesEveryInvalidSample() throws IOException {
    Properties invalid = samples("invalid.properties");
    assertThat(invalid).isNotEmpty();
    invalid.keySet().forEach(sample ->
        assertThat(DURATION.matcher((String) sample).matches()).as("the CRD refuses %s", sample).isFalse());
  }

  /** Every duration field of the committed CRD carries this one pattern, so the samples hold for each. */
  @Test
  @SuppressWarnings("unchecked")
  void everyDurationFieldOfTheCrdHasThePattern() throws IOException {
    Map<String, Object> crd;
    try (Reader reader =
        Files.newBufferedReader(Path.of("..", "crds", "authservices.gatehouse.dev-v1.yml"))) {
      crd = new Yaml().load(reader);
    }
    Map<String, Object> version =
        ((List<Map<String, Object>>) ((Map<String, Object>) crd.get("spec")).get("versions")).get(0);
    Map<String, Object> spec =
        properties(properties(((Map<String, Object>) version.get("schema")), "openAPIV3Schema"), "spec");
    Map<String, Object> pool = properties(properties(spec, "redis"), "pool");
    Map<String, Object> jwt = properties(spec, "jwt");
    for (Map<String, Object> field :
        List.of(
            field(pool, "acquireTimeout"),
            field(pool, "healthCheckInterval"),
            field(jwt, "accessTokenTtl"),
            field(jwt, "refreshTokenTtl"))) {
      assertThat(field).containsEntry("pattern", PoolSpec.DURATION);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> properties(Map<String, Object> schema, String name) {
    Map<String, Object> node =
        schema.containsKey("properties")
            ? (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get(name)
            : (Map<String, Object>) schema.get(name);
    assertThat(node).as("CRD schema has %s", name).isNotNull();
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> field(Map<String, Object> schema, String name) {
    Map<String, Object> node =
        (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get(name);
    assertThat(node).as("CRD schema has %s", name).isNotNull();
    return node;
  }

  private static Properties samples(String file) throws IOException {
    Properties samples = new Properties();
    try (Reader reader = Files.newBufferedReader(CONTRACTS.resolve("durations").resolve(file))) {
      samples.load(reader);
    }
    return samples;
  }
}
