package dev.gatehouse.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void defaultsWatchEveryNamespaceWithoutLeaderElection() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of());

    assertThat(settings.watchNamespaces()).isEmpty();
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.healthPort()).isEqualTo(8081);
  }

  @Test
  void readsNamespacesAndTakesTheLeaseNamespaceFromTheDownwardApi() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of(
        "GATEHOUSE_WATCH_NAMESPACES", " shop, payments ,,",
        "GATEHOUSE_LEADER_ELECTION", "true",
        "POD_NAMESPACE", "gatehouse-system"));

    assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("shop", "payments");
    assertThat(settings.leaseNamespace()).isEqualTo("gatehouse-system");
  }

  @Test
  void leaderElectionWithoutALeaseNamespaceIsAClearError() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("GATEHOUSE_LEADER_ELECTION", "true")))
        .hasMessageContaining("GATEHOUSE_LEASE_NAMESPACE");
  }

  @Test
  void aPortThatIsNotANumberIsAClearError() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("GATEHOUSE_HEALTH_PORT", "http")))
        .hasMessageContaining("GATEHOUSE_HEALTH_PORT must be a port number");
  }
}
