package dev.gatehouse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An AuthService the API server stored but the Java model cannot hold (the CRD had no bounds when
 * it was written) is read as one with an unreadable spec, never as an exception: an exception
 * fails the informer, and with it the operator for every AuthService. Read with the serialization
 * the informer uses.
 */
class AuthServiceReadingTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String VALID_SPEC =
      "\"redis\": {\"managed\": {}}, \"jwt\": {\"issuer\": \"https://auth.example.com\","
          + " \"audiences\": [\"api\"]}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      affinity weight beyond int32 | "pod": {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 2147483648, "preference": {}}]}}} | spec.pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight holds 2147483648, which the operator cannot read as a 32-bit integer
      empty quantity               | "resources": {"limits": {"memory": ""}}       | spec.resources.limits.memory holds "", which the operator cannot read
      exponent and suffix          | "resources": {"requests": {"cpu": "1e5m"}}    | spec.resources.requests.cpu holds "1e5m", which the operator cannot read
      replicas beyond int32        | "replicas": 4294967296                        | spec.replicas holds 4294967296, which the operator cannot read as a 32-bit integer
      a string for a number        | "replicas": "two"                             | spec.replicas holds "two", which the operator cannot read as a 32-bit integer
      an object for a string       | "image": {"name": "redis"}                    | spec.image holds {"name":"redis"}, which the operator cannot read as a string
      an unknown algorithm         | "jwt": {"issuer": "https://a.example.com", "audiences": ["api"], "algorithm": "none"} | spec.jwt.algorithm holds "none", which the operator cannot read as one of ES256, RS256, HS256
      """)
  void specTheModelCannotHoldIsReadAsUnreadable(String description, String field, String problem) {
    AuthService read = read("{" + VALID_SPEC + ", " + field + "}", null);

    assertThat(read.unreadableSpec()).contains(problem);
    assertThat(read.getMetadata().getName()).isEqualTo("tenant");
  }

  /** JOSDK hands the reconciler a copy made through JSON: the copy must be unreadable too. */
  @Test
  void copyOfAnUnreadableSpecIsUnreadable() {
    AuthService read = read("{" + VALID_SPEC + ", \"replicas\": 4294967296}", null);

    AuthService copy = SERIALIZATION.unmarshal(SERIALIZATION.asJson(read), AuthService.class);

    assertThat(copy.unreadableSpec()).isEqualTo(read.unreadableSpec()).isPresent();
  }

  @Test
  void missingSpecIsUnreadable() {
    assertThat(read(null, null).unreadableSpec()).contains("spec is missing");
  }

  @Test
  void validSpecIsReadAsItIs() {
    AuthService read = read("{" + VALID_SPEC + ", \"replicas\": 3}", "{\"readyReplicas\": 3}");

    assertThat(read.unreadableSpec()).isEmpty();
    assertThat(read.getSpec().getReplicas()).isEqualTo(3);
    assertThat(read.getSpec().getJwt().getIssuer()).isEqualTo("https://auth.example.com");
    assertThat(read.getStatus().getReadyReplicas()).isEqualTo(3);
  }

  /** The status is the operator's: one it cannot read is rebuilt, and the spec still counts. */
  @Test
  void statusTheModelCannotHoldIsDropped() {
    AuthService read = read("{" + VALID_SPEC + "}", "{\"readyReplicas\": 2147483648}");

    assertThat(read.getStatus()).isNull();
    assertThat(read.unreadableSpec()).isEmpty();
  }

  private static AuthService read(String spec, String status) {
    return SERIALIZATION.unmarshal("{\"apiVersion\": \"gatehouse.dev/v1alpha1\","
        + " \"kind\": \"AuthService\", \"metadata\": {\"name\": \"tenant\", \"namespace\": \"team\"}"
        + (spec == null ? "" : ", \"spec\": " + spec)
        + (status == null ? "" : ", \"status\": " + status) + "}", AuthService.class);
  }
}
