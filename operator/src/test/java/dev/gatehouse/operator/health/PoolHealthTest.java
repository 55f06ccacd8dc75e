package dev.gatehouse.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PoolHealthTest {

  private static PodPoolReport reading(Integer maxclients) {
    return new PodPoolReport("healthy", new PodPoolReport.Pool(16, 1, 6.25),
        maxclients == null ? null : new PodPoolReport.Server(maxclients, 3), List.of());
  }

  /**
   * Behind Sentinel, pods that straddle a failover are connected to different primaries: the
   * budget is judged against the smaller maxclients, never the larger.
   */
  @Test
  void theServerMaxClientsIsTheLeastThePodsRead() {
    PoolHealth health = PoolHealth.of(3, List.of(reading(10000), reading(null), reading(100)));

    assertThat(health.serverMaxClients()).isEqualTo(100);
    assertThat(PoolHealth.of(1, List.of(reading(null))).serverMaxClients()).isNull();
  }
}
