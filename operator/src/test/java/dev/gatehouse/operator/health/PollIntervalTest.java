package dev.gatehouse.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The poll period both observers read from an AuthService, as the informer hands it over. */
class PollIntervalTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      the spec's interval           | "pool": {"healthCheckInterval": "5s"}    | PT5S
      minutes                       | "pool": {"healthCheckInterval": "2m"}    | PT2M
      faster than a second          | "pool": {"healthCheckInterval": "500ms"} | PT1S
      zero                          | "pool": {"healthCheckInterval": "0s"}    | PT1S
      no interval: the CRD default  | "pool": {}                               | PT30S
      a null pool: the CRD default  | "pool": null                             | PT30S
      not the CRD's grammar         | "pool": {"healthCheckInterval": "1.5s"}  | PT30S
      beyond the grammar's digits   | "pool": {"healthCheckInterval": "9999999h"} | PT30S
      """)
  void readsTheSpecsHealthCheckInterval(String description, String redis, Duration expected) {
    assertThat(PollInterval.of(read("{\"redis\": {" + redis + "}, \"jwt\": {\"issuer\":"
        + " \"https://auth.example.com\", \"audiences\": [\"api\"]}}"))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      an unreadable spec | {"replicas": "two", "redis": {"pool": {"healthCheckInterval": "5s"}}}
      no spec            |
      """)
  void aSpecTheOperatorCannotReadIsPolledAtTheDefault(String description, String spec) {
    assertThat(PollInterval.of(read(spec))).isEqualTo(Duration.ofSeconds(30))
        .isEqualTo(PollInterval.DEFAULT);
  }

  private static AuthService read(String spec) {
    return SERIALIZATION.unmarshal("{\"apiVersion\": \"gatehouse.dev/v1alpha1\","
        + " \"kind\": \"AuthService\", \"metadata\": {\"name\": \"tenant\", \"namespace\": \"team\"}"
        + (spec == null ? "" : ", \"spec\": " + spec) + "}", AuthService.class);
  }
}
