package dev.gatehouse.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The consumer's side of contracts/health-redis: each sample body, read as a pod's answer is read,
 * becomes what status shows. The auth service's HealthRedisContractIT holds its real body to the
 * same files, so a field renamed on either side fails one of the two.
 */
class PodPoolReportContractTest {

  private static final Path SAMPLES =
      Path.of(System.getProperty("gatehouse.contracts.dir"), "health-redis");

  @Test
  void aHealthyPodIsHealthyAndReadsItsPoolAndRedis() throws IOException {
    PodPoolReport report = sample("healthy.json");

    assertThat(report.state()).isEqualTo(PoolState.HEALTHY);
    assertThat(report.pool().maxConnections()).isEqualTo(16);
    assertThat(report.pool().inUse()).isEqualTo(3);
    assertThat(report.pool().utilizationPercent()).isEqualTo(18.75);
    assertThat(report.redis().maxclients()).isEqualTo(10000);
    assertThat(report.redis().connectedClients()).isEqualTo(12);
    assertThat(PoolHealth.of(1, List.of(report)).highUtilization()).isFalse();
  }

  @Test
  void highUtilizationIsThePodsWarningNotARecomputedThreshold() throws IOException {
    PodPoolReport report = sample("degraded.json");

    assertThat(report.state()).isEqualTo(PoolState.DEGRADED);
    PoolHealth health = PoolHealth.of(1, List.of(report));
    assertThat(health.highUtilization()).isTrue();
    assertThat(health.warningCodes()).containsExactly(PodPoolReport.HIGH_UTILIZATION);
  }

  @Test
  void aPodAbove80PercentThatRaisesNoWarningIsNotHighlyUtilized() throws IOException {
    // A pod configured with a higher threshold decides so; the operator does not second-guess it.
    PodPoolReport report = sample("healthy.json");
    PodPoolReport busy = new PodPoolReport(report.status(),
        new PodPoolReport.Pool(16, 14, 87.5), report.redis(), List.of());

    assertThat(PoolHealth.of(1, List.of(busy)).highUtilization()).isFalse();
  }

  @Test
  void anUnhealthyPodIsUnhealthyWithItsWarningAndNoServerFacts() throws IOException {
    PodPoolReport report = sample("unhealthy.json");

    assertThat(report.state()).isEqualTo(PoolState.UNHEALTHY);
    assertThat(report.redis().maxclients()).isNull();
    assertThat(PoolHealth.of(1, List.of(report)).warningCodes()).containsExactly("ConnectFailures");
  }

  private static PodPoolReport sample(String name) throws IOException {
    return PoolHealthClient.read(Files.readAllBytes(SAMPLES.resolve(name)));
  }
}
